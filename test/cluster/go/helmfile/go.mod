module logclaw.test/cluster/helmfile

go 1.24.0
