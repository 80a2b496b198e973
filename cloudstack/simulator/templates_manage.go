package simulator

// deleteTemplate removes a template from one zone (zoneid) or all of them. Like
// TemplateManagerImpl.deleteTemplate its checks run inside the job: a template that
// non-expunged VMs use is refused unless forced, and one whose upload is pending or in
// progress is refused outright.
func deleteTemplate(c *Call) (*Job, error) {
	st := c.Store
	id := c.RequiredID("id", func(id string) bool { return templateExists(st, id) })
	zoneID := c.ID("zoneid", zoneExistsIn(st))
	forced := c.Bool("forced", false)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return &Job{InstanceType: "Template", InstanceID: id, Complete: func(c *Call) (any, error) {
		st := c.Store
		settleTemplates(st, c.Now)
		if len(liveTemplateRows(st, id, "")) == 0 {
			return nil, ErrParam("unable to find template with id %s", id)
		}
		rows := liveTemplateRows(st, id, zoneID)
		if len(rows) == 0 {
			return nil, ErrParam("unable to find template with id %s in zone %s", id, zoneName(st, zoneID))
		}
		if !forced && templateInUse(st, id, zoneID) {
			return nil, ErrParam("Unable to delete template with id: %s because VM instances are using it.", id)
		}
		for _, t := range rows {
			if t.State == TemplateNotUploaded || t.State == TemplateUploadInProgress {
				return nil, ErrParam("The template is either getting uploaded or it may be initiated shortly, please wait for it to be completed")
			}
		}
		for _, t := range rows {
			t.Removed = FormatTime(c.Now)
		}
		if len(liveTemplateRows(st, id, "")) == 0 {
			DeleteTagsOf(st, "Template", id)
		}
		return Success(), nil
	}}, nil
}

// updateTemplate changes template-wide attributes on every zone row and answers with the
// simpler update form under "template".
func updateTemplate(c *Call) (any, error) {
	st := c.Store
	id := c.RequiredID("id", func(id string) bool { return templateExists(st, id) })
	osTypeID := c.ID("ostypeid", osTypeExistsIn(st))
	name, hasName := c.String("name"), c.Has("name")
	displayText, hasDisplayText := c.String("displaytext"), c.Has("displaytext")
	passwordEnabled, requiresHVM, sshKeyEnabled := c.Has("passwordenabled"), c.Has("requireshvm"), c.Has("sshkeyenabled")
	pw, hvm, ssh := c.Bool("passwordenabled", false), c.Bool("requireshvm", false), c.Bool("sshkeyenabled", false)
	details := c.Map("details")
	if err := c.Err(); err != nil {
		return nil, err
	}
	rows := liveTemplateRows(st, id, "")
	if len(rows) == 0 {
		return nil, ErrParam("unable to find template/iso with id %s", id)
	}
	if hasName {
		if _, err := checkNameAndDisplayText(name, "templateName", ""); err != nil {
			return nil, err
		}
	}
	if hasDisplayText && len(displayText) > 4096 {
		return nil, ErrParam("Value greater than max allowed length 4096 for param: displayText")
	}
	for _, t := range rows {
		if hasName {
			t.Name = name
		}
		if hasDisplayText && displayText != "" {
			t.DisplayText = displayText
		}
		if osTypeID != "" {
			t.OSTypeID = osTypeID
		}
		if passwordEnabled {
			t.PasswordEnabled = pw
		}
		if requiresHVM {
			t.RequiresHVM = hvm
		}
		if sshKeyEnabled {
			t.SSHKeyEnabled = ssh
		}
		if len(details) > 0 {
			t.Details = mergeDetails(details)
		}
	}
	return Object("template", renderTemplateUpdate(st, rows[0])), nil
}
