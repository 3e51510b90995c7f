module gitlab.com/gitlab-org/fleeting/taskscaler

go 1.24

require (
	github.com/gorhill/cronexpr v0.0.0-20180427100037-88b0669f7d75
	gitlab.com/gitlab-org/fleeting/fleeting v0.0.0-20260818191615-630980b76a04
)
