module gitlab.com/gitlab-org/fleeting/fleeting-artifact

go 1.24
