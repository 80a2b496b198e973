package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ErrSettingsNotFound is wrapped by Client.Get when the registry has no
// settings for the instance.
var ErrSettingsNotFound = errors.New("no agent settings in the registry for this instance")

// Client speaks the legacy BOSH registry protocol, needed only for
// stemcells of API version 1: GET, PUT and DELETE on
// <Endpoint>/instances/<id>/settings with HTTP basic auth.
type Client struct {
	Endpoint string // http(s)://host:port; credentials in it are used when Username is empty
	Username string
	Password string
	// HTTPClient defaults to one with a 60 s timeout.
	HTTPClient *http.Client
}

const (
	defaultRegistryTimeout = 60 * time.Second
	maxRegistryResponse    = 4 << 20 // settings are tens of KB; anything near this is not a registry
	maxErrorBodyInMessage  = 300
)

// Get fetches the instance's settings. The registry answers
// {"status":"ok","settings":"<settings JSON as a string>"}.
func (c Client) Get(ctx context.Context, instanceID string) (AgentSettings, error) {
	status, body, err := c.do(ctx, http.MethodGet, instanceID, nil)
	if err != nil {
		return AgentSettings{}, err
	}
	if status == http.StatusNotFound {
		return AgentSettings{}, fmt.Errorf("%s: %w", c.describe(http.MethodGet, instanceID), ErrSettingsNotFound)
	}
	if status != http.StatusOK {
		return AgentSettings{}, c.statusError(http.MethodGet, instanceID, status, body)
	}
	var envelope struct {
		Status   string  `json:"status"`
		Settings *string `json:"settings"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil || envelope.Settings == nil {
		return AgentSettings{}, fmt.Errorf("%s: the answer is not {\"status\":\"ok\",\"settings\":\"...\"}: %s",
			c.describe(http.MethodGet, instanceID), c.bodyExcerpt(body))
	}
	if envelope.Status != "" && envelope.Status != "ok" {
		return AgentSettings{}, fmt.Errorf("%s: registry status %q", c.describe(http.MethodGet, instanceID), envelope.Status)
	}
	var settings AgentSettings
	if err := json.Unmarshal([]byte(*envelope.Settings), &settings); err != nil {
		return AgentSettings{}, fmt.Errorf("%s: the stored settings are not agent settings: %v", c.describe(http.MethodGet, instanceID), err)
	}
	return settings, nil
}

// Put stores the instance's settings; the body is the settings JSON itself.
func (c Client) Put(ctx context.Context, instanceID string, settings AgentSettings) error {
	body, err := settings.JSON()
	if err != nil {
		return fmt.Errorf("%s: encoding the settings: %w", c.describe(http.MethodPut, instanceID), err)
	}
	status, answer, err := c.do(ctx, http.MethodPut, instanceID, body)
	if err != nil {
		return err
	}
	if status != http.StatusOK && status != http.StatusCreated && status != http.StatusNoContent {
		return c.statusError(http.MethodPut, instanceID, status, answer)
	}
	return nil
}

// Delete removes the instance's settings. Settings already gone (404) are
// success, as the registry itself answers 200 for them.
func (c Client) Delete(ctx context.Context, instanceID string) error {
	status, body, err := c.do(ctx, http.MethodDelete, instanceID, nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK && status != http.StatusNoContent && status != http.StatusNotFound {
		return c.statusError(http.MethodDelete, instanceID, status, body)
	}
	return nil
}

func (c Client) do(ctx context.Context, method, instanceID string, body []byte) (int, []byte, error) {
	if strings.TrimSpace(instanceID) == "" {
		return 0, nil, fmt.Errorf("registry %s: %s settings: the instance id is empty", c.safeEndpoint(), method)
	}
	base, user, password, err := c.target()
	if err != nil {
		return 0, nil, err
	}
	target := base + "/instances/" + url.PathEscape(instanceID) + "/settings"
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %v", c.describe(method, instanceID), err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if user != "" || password != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		// The request URL carries no credentials, so the error names none.
		return 0, nil, fmt.Errorf("%s: %v", c.describe(method, instanceID), c.scrub(err.Error()))
	}
	defer resp.Body.Close() //nolint:errcheck // read-only body
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxRegistryResponse))
	if err != nil {
		return 0, nil, fmt.Errorf("%s: reading the answer: %v", c.describe(method, instanceID), err)
	}
	return resp.StatusCode, answer, nil
}

// target splits Endpoint into a credential-free base URL and the basic-auth
// pair (the explicit fields win over credentials in the URL).
func (c Client) target() (base, user, password string, err error) {
	parsed, parseErr := url.Parse(strings.TrimSpace(c.Endpoint))
	if parseErr != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return "", "", "", fmt.Errorf("registry endpoint must be an http(s) URL, got %q", c.safeEndpoint())
	}
	user, password = c.Username, c.Password
	if user == "" && parsed.User != nil {
		user = parsed.User.Username()
		password, _ = parsed.User.Password()
	}
	parsed.User = nil
	return strings.TrimRight(parsed.String(), "/"), user, password, nil
}

func (c Client) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return &http.Client{Timeout: defaultRegistryTimeout}
}

// safeEndpoint is the endpoint for messages, without any credentials.
func (c Client) safeEndpoint() string {
	return safeURL(c.Endpoint)
}

func (c Client) describe(method, instanceID string) string {
	return fmt.Sprintf("registry %s: %s /instances/%s/settings", c.safeEndpoint(), method, url.PathEscape(instanceID))
}

func (c Client) statusError(method, instanceID string, status int, body []byte) error {
	return fmt.Errorf("%s: HTTP %d: %s", c.describe(method, instanceID), status, c.bodyExcerpt(body))
}

// bodyExcerpt quotes the start of an answer, the password blanked out in
// case a server echoes the request.
func (c Client) bodyExcerpt(body []byte) string {
	text := strings.TrimSpace(string(body))
	if text == "" {
		return "(empty answer)"
	}
	if len(text) > maxErrorBodyInMessage {
		text = text[:maxErrorBodyInMessage] + "..."
	}
	return c.scrub(text)
}

func (c Client) scrub(text string) string {
	secrets := []string{c.Password}
	if parsed, err := url.Parse(strings.TrimSpace(c.Endpoint)); err == nil && parsed.User != nil {
		if password, ok := parsed.User.Password(); ok {
			secrets = append(secrets, password)
		}
	}
	for _, secret := range secrets {
		if secret != "" {
			text = strings.ReplaceAll(text, secret, "<redacted>")
		}
	}
	return text
}
