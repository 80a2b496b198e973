package simulator

func init() {
	RegisterFamily(Family{
		Name: "job",
		Commands: []Command{
			Sync("queryAsyncJobResult", queryAsyncJobResult),
			Sync("listAsyncJobs", listAsyncJobs),
		},
	})
}

// queryAsyncJobResult reports a job; an unknown job id is the usual 431 for ids.
func queryAsyncJobResult(c *Call) (any, error) {
	srv := c.srv
	id := c.RequiredID("jobid", func(id string) bool { _, ok := srv.jobs[id]; return ok })
	if err := c.Err(); err != nil {
		return nil, err
	}
	return srv.jobView(srv.jobs[id]), nil
}

func listAsyncJobs(c *Call) (any, error) {
	start, size := c.Paging()
	if err := c.Err(); err != nil {
		return nil, err
	}
	var views []*jobView
	for _, info := range c.srv.jobsInOrder() {
		v := c.srv.jobView(info)
		views = append(views, &v)
	}
	return Page(views, start, size, "asyncjobs", func(v *jobView) any { return v }), nil
}
