//go:build tools

// Package tools pins the CNI plugins ../build.sh compiles, so `go mod tidy`
// keeps their requirements in go.mod/go.sum. It is never built itself.
package tools

import (
	_ "github.com/containernetworking/plugins/plugins/ipam/host-local"
	_ "github.com/containernetworking/plugins/plugins/main/bridge"
	_ "github.com/containernetworking/plugins/plugins/main/loopback"
)
