package provider

import "github.com/hashicorp/terraform-plugin-go/tfprotov6"

// ReadMemoServed returns how many reads s answered from the read memo, -1
// when s does not memoise reads (no build ID to identify the code by).
func ReadMemoServed(s tfprotov6.ProviderServer) int64 {
	ps, ok := s.(*protocolServer)
	if !ok || ps.memo == nil || ps.memo.fingerprint() == "" {
		return -1
	}
	return ps.memo.served.Load()
}

// WithoutReadMemo returns a server that shares s's framework server (its
// configured client and snapshot) but never memoises a read: the path the
// memoised one must agree with.
func WithoutReadMemo(s tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	ps, ok := s.(*protocolServer)
	if !ok {
		return s
	}
	return &protocolServer{frameworkServer: ps.frameworkServer}
}

// EmulatorVariants are the variants of the emulator's undocumented
// behaviours the acceptance tests run under (forEachReadMode).
var EmulatorVariants = emulatorVariants

// IncumbentContactSchema is the source schema of moves from the alicloud
// provider.
var IncumbentContactSchema = incumbentContactSchema
