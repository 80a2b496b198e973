package simulator

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"time"
)

// registerTemplate registers a template the "SSVM" downloads from url. The response is a
// list (one row per zone). The simulator only ever downloads from loopback URLs, in the
// background, streaming and digesting like an upload; any other URL fails its download at
// once, so a test can never reach the network by accident.
func registerTemplate(c *Call) (any, error) {
	rawURL := c.Required("url")
	spec := templateSpec{Name: c.Required("name"), DisplayText: c.String("displaytext"),
		Format: c.Required("format"), Hypervisor: c.Required("hypervisor")}
	spec.OSTypeID = c.RequiredID("ostypeid", osTypeExistsIn(c.Store))
	var zoneIDs []string // nil: every zone (zoneid=-1 or none given), a cross-zone template
	if z := c.String("zoneid"); z != "" && z != "-1" {
		zoneIDs = []string{c.ID("zoneid", zoneExistsIn(c.Store))}
	}
	if ids := c.List("zoneids"); len(ids) > 0 {
		if contains(ids, "-1") {
			if len(ids) > 1 {
				return nil, ErrParam("Parameter zoneids cannot combine All Zones (-1) option with other zones")
			}
		} else {
			zoneIDs = c.IDs("zoneids", zoneExistsIn(c.Store))
		}
	}
	readTemplateFlags(c, &spec)
	if err := c.Err(); err != nil {
		return nil, err
	}
	if err := validateTemplateSpec(c.Store, &spec, "templateName", zoneIDs); err != nil {
		return nil, err
	}
	u, err := checkURLForFormat(rawURL, spec.Format)
	if err != nil {
		return nil, err
	}
	spec.URL = rawURL
	rows := newTemplateRows(c.Store, spec, zoneIDs, TemplateDownloading, c.Now)
	if len(rows) == 0 {
		return nil, ErrInternal("No zones are present in the system, can't add template")
	}
	putTemplateRows(c.Store, rows)
	if isLoopbackHost(u.Hostname()) {
		go c.srv.downloadTemplate(rows[0].ID, u)
	} else {
		for _, t := range rows {
			t.State, t.Error = TemplateDownloadError, fmt.Sprintf(
				"Failed to download %s: the simulator only downloads from loopback URLs and never reaches the network", rawURL)
		}
	}
	return Page(rows, 0, -1, "template", func(t *Template) any { return renderTemplate(c.Store, t) }), nil
}

// downloadClient fetches registered templates: no proxy (loopback only), no keep-alive,
// redirects followed only to loopback hosts.
var downloadClient = &http.Client{
	Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true, ResponseHeaderTimeout: time.Minute},
	CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if !isLoopbackHost(req.URL.Hostname()) {
			return fmt.Errorf("redirect to %s refused: the simulator only downloads from loopback URLs", req.URL.Host)
		}
		return nil
	},
}

// downloadTemplate runs outside the server lock and reports progress through Do. Rows
// deleted meanwhile are left alone.
func (s *Server) downloadTemplate(id string, u *url.URL) {
	update := func(f func(t *Template)) {
		s.Do(func(st *Store) {
			for _, t := range liveTemplateRows(st, id, "") {
				if t.State == TemplateDownloading {
					f(t)
				}
			}
		})
	}
	fail := func(text string) {
		update(func(t *Template) { t.State, t.Error = TemplateDownloadError, text })
	}
	resp, err := downloadClient.Get(u.String())
	if err != nil {
		fail(fmt.Sprintf("Failed to download %s: %v", u, err))
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fail(fmt.Sprintf("HTTP Server returned %d (expected 200 OK)", resp.StatusCode))
		return
	}
	body := newProgressReader(resp.Body, resp.ContentLength, func(pct int) {
		update(func(t *Template) { t.Percent = pct })
	})
	sink, err := drain(body)
	if err != nil {
		fail(fmt.Sprintf("Failed to download %s: %v", u, err))
		return
	}
	s.Do(func(st *Store) {
		var rows []*Template
		for _, t := range liveTemplateRows(st, id, "") {
			if t.State == TemplateDownloading {
				rows = append(rows, t)
			}
		}
		s.markTemplateInstalled(rows, sink.n, sink.sha256Hex(), path.Base(u.Path))
	})
}
