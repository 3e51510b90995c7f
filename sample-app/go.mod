module example.com/fleet/sample-app

go 1.24
