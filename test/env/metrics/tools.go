//go:build tools

// Keeps metrics-server's command in this module's build list, so `go mod tidy` records every
// module it needs in go.sum and build.sh can build it with -mod=readonly.
package tools

import _ "sigs.k8s.io/metrics-server/cmd/metrics-server"
