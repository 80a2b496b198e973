package simulator

import (
	"errors"
	"net/http"
	"strconv"
)

const jsonContentType = "application/json; charset=UTF-8"

// serveAPI is /client/api: parse, authenticate, throttle, inject faults, dispatch.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	started := s.clock.Now()
	rec := CallRecord{}
	status, body := s.handleAPI(r, &rec)
	rec.HTTPStatus = status
	rec.Duration = s.clock.Now().Sub(started)
	rec.Time = FormatTime(started)
	s.mu.Lock()
	s.callSeq++
	rec.Seq = s.callSeq
	s.calls = append(s.calls, rec)
	s.mu.Unlock()

	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *Server) handleAPI(r *http.Request, rec *CallRecord) (int, []byte) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return 405, errorEnvelope("errorresponse", ErrCode(405, "Only GET and POST are supported"))
	}
	if err := r.ParseForm(); err != nil {
		return CodeParamError, errorEnvelope("errorresponse", ErrParam("Unable to parse request parameters: %v", err))
	}
	params := r.Form
	name := params.Get("command")
	rec.Command = name
	rec.Params = redactParams(params)

	// An unsigned or badly signed request is refused with 401 whatever it asks for. A correctly signed
	// request for a command this server does not have gets 432 (UNSUPPORTED_ACTION_ERROR) under
	// "errorresponse", the code CloudStack uses for an unknown API command; clients must not mistake it
	// for a credentials problem.
	cmd, known := lookupCommand(name)
	if !known {
		if !verifySignature(params, s.apiKey, s.secretKey, s.clock.Now()) {
			rec.ErrorCode = CodeUnauthorized
			return CodeUnauthorized, errorEnvelope("errorresponse", &APIError{Code: CodeUnauthorized, Text: authFailureText})
		}
		text := "The given command does not exist or it is not available for user"
		if name == "" {
			text = "no command sent"
		}
		e := &APIError{Code: CodeUnsupportedAction, CSCode: CSCodeServerAPI, Text: text}
		rec.ErrorCode = e.Code
		return e.Code, errorEnvelope("errorresponse", e)
	}
	respName := cmd.responseName()
	fail := func(e *APIError) (int, []byte) {
		rec.ErrorCode = e.Code
		return e.Code, errorEnvelope(respName, e)
	}
	if !verifySignature(params, s.apiKey, s.secretKey, s.clock.Now()) {
		return fail(&APIError{Code: CodeUnauthorized, Text: authFailureText})
	}
	if e := s.faults.throttled(s.clock.Now()); e != nil {
		return fail(e)
	}
	if d := s.faults.latency(name); d > 0 {
		s.clock.Sleep(d)
	}
	rule := s.faults.countCall(name)
	if rule != nil && (rule.Kind == "http" || !cmd.Async()) {
		return fail(rule.apiError())
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.runDueJobs()
	defer s.runDueJobs()
	c := &Call{Command: name, Store: s.store, Now: s.clock.Now(), BaseURL: requestBaseURL(r), params: params, srv: s}

	if !cmd.Async() {
		result, err := runProtected(func() (any, error) { return cmd.Handle(c) })
		if err != nil {
			return fail(asAPIError(err))
		}
		b, err := envelope(respName, result)
		if err != nil {
			return fail(ErrInternal("encoding response: %v", err))
		}
		return http.StatusOK, b
	}

	var job *Job
	_, err := runProtected(func() (any, error) {
		var err error
		job, err = cmd.Start(c)
		return nil, err
	})
	if err == nil && (job == nil || job.Complete == nil) {
		err = ErrInternal("command %s started no job", name)
	}
	if err != nil {
		return fail(asAPIError(err))
	}
	var failWith *APIError
	if rule != nil {
		failWith = rule.apiError()
	}
	j := s.enqueueJob(cmd, c, job, failWith)
	rec.JobID = j.ID
	first := map[string]any{"jobid": j.ID}
	if cmd.CreateType {
		first["id"] = job.InstanceID
	}
	b, _ := envelope(respName, first)
	return http.StatusOK, b
}

// requestBaseURL is scheme://host of the request as the client addressed it.
func requestBaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// runProtected turns a handler panic into a 530, so bad input never takes the server down.
func runProtected(f func() (any, error)) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			result, err = nil, ErrInternal("internal error: %v", p)
		}
	}()
	return f()
}

// asAPIError keeps an *APIError's code and turns anything else into a 530.
func asAPIError(err error) *APIError {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr
	}
	return ErrInternal("%s", err.Error())
}
