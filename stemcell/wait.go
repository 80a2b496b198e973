package stemcell

import (
	"context"
	"fmt"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/cloudstack"
)

// WaitReady polls the template until CloudStack says it is ready, with a short first interval and
// backoff (a real cloud takes a minute or more after the upload), logging progress. A status that can
// only get worse (UploadError, UploadAbandoned, a storage VM error) fails at once.
func (m *Manager) WaitReady(ctx context.Context, id, zoneID string) error {
	clock := m.clock()
	deadline := clock.Now().Add(m.Settings.ReadyTimeout)
	interval := m.Settings.PollInitial
	lastStatus := ""
	for {
		tpl, found, err := m.Templates.Get(ctx, id, zoneID)
		if err != nil {
			return fmt.Errorf("waiting for template %s: %w", id, err)
		}
		if !found {
			return fmt.Errorf("template %s disappeared while waiting for it to become ready (last status %q)", id, lastStatus)
		}
		if tpl.IsReady {
			m.Log.Info("stemcell.Manager", "template %s is ready (%s)", id, tpl.Status)
			return nil
		}
		if tpl.Failed() {
			return fmt.Errorf("template %s failed in CloudStack with status %q", id, tpl.Status)
		}
		if tpl.Status != lastStatus {
			m.Log.Info("stemcell.Manager", "template %s: %s", id, tpl.Status)
			lastStatus = tpl.Status
		}
		if !clock.Now().Add(interval).Before(deadline) {
			return fmt.Errorf("template %s was not ready after %s (cloudstack.timeout.poll_template); CloudStack's last status: %q",
				id, m.Settings.ReadyTimeout, tpl.Status)
		}
		if err := clock.Sleep(ctx, interval); err != nil {
			return fmt.Errorf("waiting for template %s: %w", id, err)
		}
		interval = min(interval*3/2, m.Settings.PollMax)
	}
}

func (m *Manager) clock() cloudstack.Clock {
	if m.Clock != nil {
		return m.Clock
	}
	return cloudstack.SystemClock
}

// EnsureInZone makes the template available in zoneID, copying it from a zone that has it ready.
// create_vm calls it for a VM in a zone the stemcell was not uploaded to.
func (m *Manager) EnsureInZone(ctx context.Context, id, zoneID string) error {
	rows, err := m.Templates.ListInZones(ctx, id)
	if err != nil {
		return fmt.Errorf("listing zones of template %s: %w", id, err)
	}
	source := ""
	for _, row := range rows {
		if row.ZoneID == zoneID {
			if row.IsReady {
				return nil
			}
			return m.WaitReady(ctx, id, zoneID) // a copy already on its way
		}
		if row.IsReady && source == "" {
			source = row.ZoneID
		}
	}
	if source == "" {
		return fmt.Errorf("template %s is ready in no zone, so it cannot be copied to zone %s", id, zoneID)
	}
	m.Log.Info("stemcell.Manager", "copying template %s from zone %s to zone %s", id, source, zoneID)
	if err := m.Templates.Copy(ctx, id, source, zoneID, m.Settings.CopyTimeout); err != nil {
		return fmt.Errorf("copying template %s to zone %s: %w", id, zoneID, err)
	}
	return m.WaitReady(ctx, id, zoneID)
}
