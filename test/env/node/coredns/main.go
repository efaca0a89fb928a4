// Command coredns is CoreDNS with only the plugins the test node's cluster DNS uses
// (see ../README.md and the Corefile start.sh writes). Upstream's main imports every
// plugin (github.com/coredns/coredns/core/plugin: cloud SDKs, etcd, dnstap ...); this one
// imports six, which keeps the build to what runs. Same coremain, same plugin code: the
// documented way of building CoreDNS with a chosen plugin set (coredns.io/manual/toc/#plugins).
package main

import (
	"github.com/coredns/coredns/coremain"

	// The Corefile's directives. A directive whose plugin is not imported here is
	// refused when the Corefile is read ("Unknown directive"), never silently ignored.
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/ready"
)

func main() {
	coremain.Run()
}
