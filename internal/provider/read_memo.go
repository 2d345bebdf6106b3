package provider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/rdcontact/terraform-provider-resourcedirectory/internal/rdapi"
)

// Memoised reads.
//
// A drift check refreshes every contact, and almost every refresh finds
// nothing changed. With batched reads the API costs a few list pages for
// the whole configuration; what is left is the framework's own work per
// resource: decoding the state, filling the model by reflection, the
// semantic-equality and write-only passes, encoding the result. That is
// about a millisecond of CPU per contact, most of the provider's share of a
// refresh of 500.
//
// Read is a function of its inputs: the prior state, identity and private
// state, the contact the API returns, and the provider's code. So when a
// read of the framework returns its inputs unchanged, the protocol layer
// stores in the private state a key: a hash of exactly those inputs
// (readMemo.key). A later read whose inputs hash to the same key returns
// its request as the response without entering the framework; any other
// read goes through the framework and, if it too changes nothing, stores
// the key of its own inputs. The answer is the same either way, which
// TestReadMemo_* hold the two paths to:
//   - the state enters the key in a canonical form (readMemo.canonical):
//     the bytes of the CLI's encoding and of the framework's differ in the
//     order of set elements, not in value;
//   - the contact enters as what Read consumes of it (contactReadInputs);
//   - the code enters as the provider's version and the Go build ID of its
//     executable, which changes with any change to the code. A build without
//     a build ID never memoises.
//
// Private state persists only through an apply (a plan or `plan
// -refresh-only` discards it). So that the first drift check after an
// apply already benefits, ApplyResourceChange runs the framework's read of
// the state it has just produced, with the contact that state was built
// from (the read after the write; no API call), and stores the key when that
// read changes nothing. A check that stops matching (anything changed:
// the contact, the state, the code) falls back to the framework, which is
// what reports drift.
//
// Only the contact resource is memoised: it is the resource a
// configuration has hundreds of.

// readMemoKey is the private-state key of a read's memo.
const readMemoKey = "read_memo"

// readMemoVersion names the layout of the key; change it with the layout.
const readMemoVersion = "resourcedirectory read memo 1"

// memoEntry is the value stored under readMemoKey.
type memoEntry struct {
	// Keys are readMemo.key of the inputs of reads that returned them
	// unchanged: one, or after an apply two (the next read may carry the
	// identity or not; OpenTofu 1.12 sends one in ReadResource but none in
	// ApplyResourceChange).
	Keys [][]byte `json:"keys"`
	// Identity is the identity such a read returned when the request
	// carried none (Terraform before 1.12), so that a memoised read returns
	// it too.
	Identity []byte `json:"identity,omitempty"`
}

// matches reports whether one of e's keys is the key of in with contact v.
func (e *memoEntry) matches(m *readMemo, in *memoInputs, v *rdapi.Contact) bool {
	var identityOut []byte
	if in.identity == nil {
		identityOut = e.Identity
	}
	k := m.key(in, v, identityOut)
	for _, key := range e.Keys {
		if bytes.Equal(key, k) {
			return true
		}
	}
	return false
}

// readMemo memoises the reads of one resource type.
type readMemo struct {
	typeName string
	// fingerprint identifies the provider's code: version and build ID;
	// "" (never memoise) for an executable without a build ID. It is read
	// on the first read of a contact, not at start-up.
	fingerprint func() string
	// client returns the configured API client, nil before ConfigureProvider.
	client func() *rdapi.Client
	// stateType returns the resource's state type, from the schema.
	stateType func(context.Context) (tftypes.Type, error)
	// served counts the reads answered from the memo.
	served atomic.Int64
}

// newReadMemo returns the memo of the contact resource's reads.
func newReadMemo(version string, p *resourceDirectoryProvider, schema func(context.Context) (*tfprotov6.GetProviderSchemaResponse, error)) *readMemo {
	var (
		once sync.Once
		typ  tftypes.Type
		err  error
	)
	return &readMemo{
		typeName: contactType,
		fingerprint: sync.OnceValue(func() string {
			if id := executableBuildID(); id != "" {
				return version + "\x00" + id
			}
			return ""
		}),
		client: p.configuredClient,
		stateType: func(ctx context.Context) (tftypes.Type, error) {
			once.Do(func() {
				var resp *tfprotov6.GetProviderSchemaResponse
				resp, err = schema(ctx)
				if err != nil {
					return
				}
				s, ok := resp.ResourceSchemas[contactType]
				if !ok {
					err = errors.New("no schema for " + contactType)
					return
				}
				typ = s.ValueType()
			})
			return typ, err
		},
	}
}

// covers reports whether reads of typeName are memoised.
func (m *readMemo) covers(typeName string) bool {
	return m != nil && typeName == m.typeName && m.client() != nil && m.fingerprint() != ""
}

// memoInputs is what a read's key is made of, decoded from its request.
type memoInputs struct {
	id       string
	state    []byte // canonical
	identity []byte
	private  []byte // without the memo
	meta     []byte
	imported bool
	entry    *memoEntry
	// timeout is the read timeout the state sets (timeouts.read), which
	// bounds the lookup as it bounds Read.
	timeout time.Duration
}

// inputs decodes req; it reports false when req cannot be memoised.
func (m *readMemo) inputs(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*memoInputs, bool) {
	typ, err := m.stateType(ctx)
	if err != nil || req.CurrentState == nil {
		return nil, false
	}
	state, err := req.CurrentState.Unmarshal(typ)
	if err != nil || !state.IsKnown() || state.IsNull() {
		return nil, false
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		return nil, false
	}
	var id string
	if v, ok := attrs["id"]; !ok || !v.IsKnown() || v.IsNull() || v.As(&id) != nil || id == "" {
		return nil, false
	}
	timeout, ok := readTimeout(attrs["timeouts"])
	if !ok {
		return nil, false
	}
	priv, err := decodePrivate(req.Private)
	if err != nil {
		return nil, false
	}
	in := &memoInputs{id: id, timeout: timeout, state: canonical(state), identity: identityBytes(req.CurrentIdentity), meta: dynamicBytes(req.ProviderMeta)}
	if b, ok := priv[readMemoKey]; ok {
		var e memoEntry
		if json.Unmarshal(b, &e) == nil && len(e.Keys) > 0 {
			in.entry = &e
		}
		delete(priv, readMemoKey)
	}
	_, in.imported = priv[importedKey]
	in.private, err = encodePrivate(priv)
	return in, err == nil
}

// readTimeout returns the read timeout of a state's timeouts block, as
// Read takes it (timeouts.Value.Read): the default when unset. It reports
// false for a value Read would reject, which the framework then reports.
func readTimeout(v tftypes.Value) (time.Duration, bool) {
	if v.IsNull() || v.Type() == nil {
		return defaultReadTimeout, true
	}
	var attrs map[string]tftypes.Value
	if !v.IsKnown() || v.As(&attrs) != nil {
		return 0, false
	}
	r, ok := attrs["read"]
	if !ok || r.IsNull() {
		return defaultReadTimeout, true
	}
	var s string
	if !r.IsKnown() || r.As(&s) != nil {
		return 0, false
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, false
	}
	return d, true
}

// key hashes the inputs of a read of contact v that returned identityOut
// where the request carried no identity.
func (m *readMemo) key(in *memoInputs, v *rdapi.Contact, identityOut []byte) []byte {
	h := sha256.New()
	for _, field := range [][]byte{
		[]byte(readMemoVersion), []byte(m.fingerprint()), []byte(m.typeName),
		in.state, in.identity, in.private, in.meta, contactReadInputs(v), identityOut,
	} {
		writeLen(h, len(field))
		h.Write(field)
	}
	return h.Sum(nil)
}

// writeLen writes n as the 8-byte prefix of a field of that length, so
// that consecutive fields cannot run into each other.
func writeLen(w io.Writer, n int) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	_, _ = w.Write(b[:])
}

// framework is the framework's ReadResource.
type framework func(context.Context, *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error)

// read serves req: from the memo when its key matches, else through the
// framework, with the contact looked up once here and handed to its Read.
// The answer of the framework carries the memo of what the CLI will send
// next, when reading that changes nothing.
func (m *readMemo) read(ctx context.Context, req *tfprotov6.ReadResourceRequest, fw framework) (*tfprotov6.ReadResourceResponse, error) {
	in, ok := m.inputs(ctx, req)
	if !ok || in.imported {
		// An import's read goes to the API fresh and changes the private
		// state; it is never memoised.
		return fw(ctx, req)
	}
	lookup := &readLookup{given: true}
	lctx, cancel := context.WithTimeout(ctx, in.timeout)
	lookup.contact, lookup.err = m.client().Snapshot().Contact(lctx, in.id)
	cancel()
	if lookup.err == nil && in.entry != nil && in.entry.matches(m, in, lookup.contact) {
		resp := &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private, NewIdentity: req.CurrentIdentity}
		if req.CurrentIdentity == nil && in.entry.Identity != nil {
			resp.NewIdentity = &tfprotov6.ResourceIdentityData{IdentityData: &tfprotov6.DynamicValue{MsgPack: in.entry.Identity}}
		}
		m.served.Add(1)
		return resp, nil
	}
	resp, err := fw(withReadLookup(ctx, lookup), req)
	if err != nil || resp == nil {
		return resp, err
	}
	if entry := m.unchanged(ctx, in, req, resp, lookup); entry != nil {
		resp.Private = withMemo(resp.Private, entry)
		return resp, nil
	}
	if settled(resp.Diagnostics) && resp.Deferred == nil && lookup.used && lookup.err == nil {
		// The read changed something (drift, or a state written by an
		// older version): memoise its result if reading that changes
		// nothing, so that the apply -refresh-only that keeps it keeps the
		// memo too.
		next := &tfprotov6.ReadResourceRequest{TypeName: req.TypeName, CurrentState: resp.NewState, Private: resp.Private, ProviderMeta: req.ProviderMeta}
		if req.CurrentIdentity != nil {
			next.CurrentIdentity = resp.NewIdentity
		}
		if entry := m.verify(ctx, next, lookup.contact, fw); entry != nil {
			resp.Private = withMemo(resp.Private, entry)
			return resp, nil
		}
	}
	resp.Private = withMemo(resp.Private, nil)
	return resp, nil
}

// verify runs the framework's read of req with contact v (no API call) and
// returns, when that read changes nothing, the memo of req.
func (m *readMemo) verify(ctx context.Context, req *tfprotov6.ReadResourceRequest, v *rdapi.Contact, fw framework) *memoEntry {
	in, ok := m.inputs(ctx, req)
	if !ok || in.imported {
		return nil
	}
	lookup := &readLookup{given: true, contact: v}
	resp, err := fw(withReadLookup(ctx, lookup), req)
	if err != nil || resp == nil {
		return nil
	}
	return m.unchanged(ctx, in, req, resp, lookup)
}

// unchanged returns the memo of a framework read that returned its inputs,
// nil for any other.
func (m *readMemo) unchanged(ctx context.Context, in *memoInputs, req *tfprotov6.ReadResourceRequest, resp *tfprotov6.ReadResourceResponse, lookup *readLookup) *memoEntry {
	if len(resp.Diagnostics) > 0 || resp.Deferred != nil || resp.NewState == nil || lookup.err != nil || lookup.contact == nil || !lookup.used {
		return nil
	}
	typ, err := m.stateType(ctx)
	if err != nil {
		return nil
	}
	state, err := resp.NewState.Unmarshal(typ)
	if err != nil || !bytes.Equal(canonical(state), in.state) {
		return nil
	}
	var identityOut []byte
	switch {
	case req.CurrentIdentity != nil:
		if !bytes.Equal(identityBytes(resp.NewIdentity), in.identity) {
			return nil
		}
	case resp.NewIdentity != nil && resp.NewIdentity.IdentityData != nil && resp.NewIdentity.IdentityData.MsgPack != nil:
		identityOut = resp.NewIdentity.IdentityData.MsgPack
	case resp.NewIdentity != nil:
		return nil
	}
	priv, err := decodePrivate(resp.Private)
	if err != nil {
		return nil
	}
	delete(priv, readMemoKey)
	if b, err := encodePrivate(priv); err != nil || !bytes.Equal(b, in.private) {
		return nil
	}
	return &memoEntry{Keys: [][]byte{m.key(in, lookup.contact, identityOut)}, Identity: identityOut}
}

// afterApply adds to resp the memo of the state an apply produced, when
// the framework's read of it, with the contact the state was built from,
// changes nothing. The next refresh may send the identity or none (a CLI
// that sent no planned identity may still send one in ReadResource), so
// the read is verified both ways, and each way that changes nothing gets a
// key.
func (m *readMemo) afterApply(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest, resp *tfprotov6.ApplyResourceChangeResponse, v *rdapi.Contact, fw framework) {
	if !settled(resp.Diagnostics) || resp.NewState == nil {
		return
	}
	next := func(identity *tfprotov6.ResourceIdentityData) *tfprotov6.ReadResourceRequest {
		return &tfprotov6.ReadResourceRequest{TypeName: req.TypeName, CurrentState: resp.NewState, Private: resp.Private,
			ProviderMeta: req.ProviderMeta, CurrentIdentity: identity}
	}
	merged := &memoEntry{}
	if e := m.verify(ctx, next(nil), v, fw); e != nil {
		merged.Keys, merged.Identity = append(merged.Keys, e.Keys...), e.Identity
	}
	if resp.NewIdentity != nil {
		if e := m.verify(ctx, next(resp.NewIdentity), v, fw); e != nil {
			merged.Keys = append(merged.Keys, e.Keys...)
		}
	}
	if len(merged.Keys) > 0 {
		resp.Private = withMemo(resp.Private, merged)
	}
}

// settled reports whether diags hold no error.
func settled(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return false
		}
	}
	return true
}

// withMemo returns private with its memo set to entry, or removed when
// entry is nil; private as it is when it cannot be decoded.
func withMemo(private []byte, entry *memoEntry) []byte {
	priv, err := decodePrivate(private)
	if err != nil {
		return private
	}
	if entry == nil {
		if _, ok := priv[readMemoKey]; !ok {
			return private
		}
		delete(priv, readMemoKey)
	} else {
		b, err := json.Marshal(entry)
		if err != nil {
			return private
		}
		priv[readMemoKey] = b
	}
	out, err := encodePrivate(priv)
	if err != nil {
		return private
	}
	return out
}

// readLookup carries, through the context of a read, the contact the
// protocol layer looked up for it, and records that Read used it.
type readLookup struct {
	given   bool
	contact *rdapi.Contact
	err     error
	used    bool
	// observed is what Create or Update built their state from.
	observed *rdapi.Contact
}

type readLookupKey struct{}

func withReadLookup(ctx context.Context, l *readLookup) context.Context {
	return context.WithValue(ctx, readLookupKey{}, l)
}

func readLookupFrom(ctx context.Context) *readLookup {
	l, _ := ctx.Value(readLookupKey{}).(*readLookup)
	return l
}

// observeContact records, for the apply path of the memo, the contact a
// Create or Update built its state from.
func observeContact(ctx context.Context, v *rdapi.Contact) {
	if l := readLookupFrom(ctx); l != nil && v != nil {
		c := *v
		l.observed = &c
	}
}

// contactReadInputs encodes what the contact resource's Read consumes of a
// contact: messageContactModel.fromAPI and verifiedTargets.observe. Members
// and AssociatedDate are not among it (TestContactReadInputs_complete).
func contactReadInputs(v *rdapi.Contact) []byte {
	if v == nil {
		return nil
	}
	types := slices.Clone(v.MessageTypes)
	slices.Sort(types)
	b, err := json.Marshal(struct {
		ID, Name, Email, Phone, Title, Status, PendingEmail, PendingPhone, CreateDate string
		MessageTypes                                                                  []string
	}{v.ContactID, v.Name, v.EmailAddress, v.PhoneNumber, v.Title, v.Status, v.PendingEmailAddress, v.PendingPhoneNumber, v.CreateDate, types})
	if err != nil {
		return nil
	}
	return b
}

// canonical encodes v so that two values encode the same exactly when they
// are equal as Terraform compares them: set elements are sorted, object
// attributes and map keys are ordered by name.
func canonical(v tftypes.Value) []byte {
	var buf bytes.Buffer
	buf.WriteString(v.Type().String())
	writeCanonical(&buf, v)
	return buf.Bytes()
}

func writeCanonical(buf *bytes.Buffer, v tftypes.Value) {
	writeString := func(s string) {
		writeLen(buf, len(s))
		buf.WriteString(s)
	}
	switch {
	case !v.IsKnown():
		buf.WriteByte('?')
		return
	case v.IsNull():
		buf.WriteByte('0')
		return
	}
	typ := v.Type()
	switch {
	case typ.Is(tftypes.String):
		var s string
		_ = v.As(&s)
		buf.WriteByte('s')
		writeString(s)
	case typ.Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		if b {
			buf.WriteByte('t')
		} else {
			buf.WriteByte('f')
		}
	case typ.Is(tftypes.Number):
		f := new(big.Float)
		_ = v.As(&f)
		buf.WriteByte('n')
		writeString(f.Text('g', -1))
	case typ.Is(tftypes.Object{}), typ.Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		buf.WriteByte('{')
		for _, k := range keys {
			writeString(k)
			writeCanonical(buf, m[k])
		}
		buf.WriteByte('}')
	case typ.Is(tftypes.Set{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		enc := make([]string, len(elems))
		for i, e := range elems {
			var b bytes.Buffer
			writeCanonical(&b, e)
			enc[i] = b.String()
		}
		sort.Strings(enc)
		buf.WriteByte('<')
		for _, e := range enc {
			writeString(e)
		}
		buf.WriteByte('>')
	default: // lists and tuples
		var elems []tftypes.Value
		_ = v.As(&elems)
		buf.WriteByte('[')
		for _, e := range elems {
			writeCanonical(buf, e)
		}
		buf.WriteByte(']')
	}
}

func decodePrivate(b []byte) (map[string][]byte, error) {
	m := map[string][]byte{}
	if len(b) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// encodePrivate encodes private state as the framework does: nil when
// empty, else a JSON object with sorted keys.
func encodePrivate(m map[string][]byte) ([]byte, error) {
	if len(m) == 0 {
		return nil, nil
	}
	return json.Marshal(m)
}

func identityBytes(ri *tfprotov6.ResourceIdentityData) []byte {
	if ri == nil {
		return nil
	}
	return dynamicBytes(ri.IdentityData)
}

func dynamicBytes(dv *tfprotov6.DynamicValue) []byte {
	switch {
	case dv == nil:
		return nil
	case dv.MsgPack != nil:
		return append([]byte{'m'}, dv.MsgPack...)
	default:
		return append([]byte{'j'}, dv.JSON...)
	}
}

// executableBuildID returns the Go build ID of the running executable, ""
// when it has none. It changes with the code and the toolchain.
var executableBuildID = sync.OnceValue(func() string {
	path, err := os.Executable()
	if err != nil {
		return ""
	}
	return readBuildID(path)
})

// readBuildID reads the Go build ID of the executable at path: from its
// ELF note, or (Mach-O, PE) from the start of its text, where the linker
// also writes it.
func readBuildID(path string) string {
	if f, err := elf.Open(path); err == nil {
		defer f.Close()
		if s := f.Section(".note.go.buildid"); s != nil {
			data, err := s.Data()
			// An ELF note: name size, desc size, type, then the name
			// "Go\x00\x00" and the build ID.
			if err == nil && len(data) > 16 {
				namesz := f.ByteOrder.Uint32(data[0:4])
				descsz := f.ByteOrder.Uint32(data[4:8])
				off := 12 + int((namesz+3)&^3)
				if off+int(descsz) <= len(data) {
					return string(data[off : off+int(descsz)])
				}
			}
		}
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 32<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	const prefix = "\xff Go build ID: \""
	i := bytes.Index(head, []byte(prefix))
	if i < 0 {
		return ""
	}
	rest := head[i+len(prefix):]
	j := bytes.IndexByte(rest, '"')
	if j <= 0 {
		return ""
	}
	return string(rest[:j])
}
