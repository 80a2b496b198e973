package simulator

// copyTemplate copies a template to other zones (TemplateManagerImpl.copyTemplate). Its
// checks fail inside the job, as CloudStack's do. Destination rows exist (not ready,
// "Processing") while the job is pending and become ready when it completes. A zone that
// already has the template is skipped, as CloudStack skips it; naming the source zone as a
// destination is an error.
func copyTemplate(c *Call) (*Job, error) {
	st := c.Store
	id := c.RequiredID("id", func(id string) bool { return templateExists(st, id) })
	sourceZoneID := c.ID("sourcezoneid", zoneExistsIn(st))
	destZoneIDs := c.IDs("destzoneids", zoneExistsIn(st))
	if dest := c.ID("destzoneid", zoneExistsIn(st)); dest != "" && len(destZoneIDs) == 0 {
		destZoneIDs = []string{dest}
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	c.srv.settleTemplatesFor(c.Now)
	source, targets, planErr := planTemplateCopy(st, id, sourceZoneID, destZoneIDs)
	var created []*Template
	if planErr == nil {
		for _, zoneID := range targets {
			t := *source
			t.ZoneID, t.State, t.Percent, t.Error, t.ReadyAt = zoneID, TemplateCopying, 0, "", source.ReadyAt
			t.Details = copyDetails(source.Details)
			created = append(created, &t)
		}
		putTemplateRows(st, created)
	}
	return &Job{InstanceType: "Template", InstanceID: id, Complete: func(c *Call) (any, error) {
		if planErr != nil {
			return nil, planErr
		}
		for _, t := range created {
			if t.State == TemplateCopying {
				t.State, t.Percent = TemplateReady, 100
			}
		}
		// The result is the template as seen in the first destination zone.
		shown, ok := TemplateTable(c.Store).Get(templateKey(id, destZoneIDs[0]))
		if !ok || shown.IsRemoved() {
			shown = source
		}
		return Object("template", renderTemplate(c.Store, shown)), nil
	}}, nil
}

// planTemplateCopy picks the ready source row and the zones that still need a copy.
func planTemplateCopy(st *Store, id, sourceZoneID string, destZoneIDs []string) (*Template, []string, error) {
	if len(destZoneIDs) == 0 {
		return nil, nil, ErrParam("Either destzoneid or destzoneids parameters have to be specified.")
	}
	live := liveTemplateRows(st, id, "")
	if len(live) == 0 {
		return nil, nil, ErrParam("Unable to find template with id %s", id)
	}
	if sourceZoneID != "" && contains(destZoneIDs, sourceZoneID) {
		return nil, nil, ErrParam("Please specify different source and destination zones.")
	}
	var source *Template
	for _, t := range live {
		if t.IsReady() && (sourceZoneID == "" || t.ZoneID == sourceZoneID) {
			source = t
			break
		}
	}
	if source == nil {
		return nil, nil, ErrParam("There is no template %s ready on image store.", id)
	}
	var targets []string
	for _, zoneID := range destZoneIDs {
		if len(liveTemplateRows(st, id, zoneID)) == 0 && !contains(targets, zoneID) {
			targets = append(targets, zoneID)
		}
	}
	return source, targets, nil
}
