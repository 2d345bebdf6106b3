package emulator

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Settings are the emulator's switches that may change while it runs. Each
// field is written once here; everything else derives from this struct:
// its json tag names the switch in the settings admin endpoint and, with
// "-" for "_", the rdemulator flag (RegisterFlags); its help tag is the
// flag's usage; a range tag bounds a number. Durations are non-negative
// unless a range tag (in duration syntax) says otherwise, and
// use Go syntax ("250ms") in JSON and on the command line; enumerations use
// their String form.
type Settings struct {
	ReadMode          ReadMode          `json:"read_mode" help:"what Get/List report while a change is pending: submitted or verified"`
	MessageTypesOrder MessageTypesOrder `json:"message_types_order" help:"order of MessageTypes in Get/List replies: submitted or sorted"`
	// VerificationTargets masks the targets ListMessageContactVerifications
	// shows, as the API reference's examples do (Get and List are not
	// affected).
	VerificationTargets TargetDisplay `json:"verification_targets" help:"targets in ListMessageContactVerifications: full or masked (someone***@example.com, 86-139****1234)"`
	// Latency is added to every API call; a mutating call holds its lock
	// through it.
	Latency time.Duration `json:"latency" help:"server-side time of every API call (a mutating call holds its lock meanwhile)"`
	// MutationHold keeps a mutating call's lock for this long after its work
	// is done and before it replies.
	MutationHold time.Duration `json:"mutation_hold" help:"extra time a mutating call holds its lock after its work"`
	LockScope    LockScope     `json:"lock_scope" help:"mutation lock scope: account or contact"`
	// RateLimit is the per-action, per-account limit in calls per second
	// (a token bucket with a burst of RateLimit); 0 disables rate limiting.
	RateLimit int `json:"rate_limit" help:"calls per second per action (0 disables)"`
	// DailySendLimit is how many verification messages the account may send
	// per UTC+8 calendar day; 0 or less disables the limit.
	DailySendLimit int `json:"daily_send_limit" help:"verification messages per day (0 disables)"`
	// MaxMembersPerContact caps the objects one contact may be bound to;
	// beyond it AssociateMembers answers LimitExceeded.ContactMembers. 0 or
	// less removes the cap.
	MaxMembersPerContact int `json:"max_members_per_contact" help:"objects one contact may be bound to (0 removes the cap)"`
	// AsyncDelete is how long a contact deleted with
	// RetainContactInMembers=false stays Deleting, on the emulator's clock.
	// With 0 exactly one read observes it Deleting, then it completes.
	AsyncDelete time.Duration `json:"async_delete" help:"how long a contact deleted with RetainContactInMembers=false stays Deleting"`
	// RetainedDeletion says whether a delete with RetainContactInMembers=true
	// removes the contact at once (Status Deleted) or, like one with false,
	// asynchronously (Status Deleting, for AsyncDelete), never failing.
	RetainedDeletion RetainedDeletion `json:"retained_deletion" help:"DeleteMessageContact with RetainContactInMembers=true: sync (Status Deleted) or async (Deleting, as async_delete says)"`
	// ReadAfterCreateDelay hides a new contact from GetMessageContact and
	// ListMessageContacts (404 / absent) for this long after
	// AddMessageContact, on the emulator's clock.
	ReadAfterCreateDelay time.Duration `json:"read_after_create_delay" help:"how long a new contact stays invisible to Get/List"`
	// ServerErrorRate makes each authenticated call fail, before it does
	// anything, with this probability: half 503 ServiceUnavailable, half
	// 500 InternalError, drawn from a generator seeded by WithSeed. Reset
	// sets it back to 0.
	ServerErrorRate float64 `json:"server_error_rate" help:"probability of a random 5xx on each call" range:"0,1"`
	// CreateDateZone is the zone the API's dates (CreateDate, and
	// AssociatedDate and ModifyDate) are written in; they carry none.
	CreateDateZone DateZone `json:"create_date_zone" help:"time zone of CreateDate and the other API dates, as +08:00 or +00:00"`
	// CreateDateSkew sets the clock that stamps the API's dates this far
	// ahead of (negative: behind) the one that writes the Date header, as if
	// they were different machines. It applies when a date is written.
	CreateDateSkew time.Duration `json:"create_date_skew" help:"offset of the clock behind CreateDate from the Date header's clock (may be negative)" range:"-1h,1h"`
	// DenyActions are refused, after authentication and before anything
	// else, with DenyCode: a caller whose RAM policy lacks them, or that is
	// not the management account.
	DenyActions ActionSet `json:"deny_actions" help:"comma-separated API actions to refuse as a RAM denial (e.g. ListAccounts,GetResourceDirectory)"`
	// DenyCode is the error DenyActions answer with.
	DenyCode DenialCode `json:"deny_code" help:"error of a denied action: NoPermission, Forbidden.RAM or NoPermission.ResourceDirectory.MemberAccount"`
}

// DefaultSettings returns the settings of an emulator built without
// WithSettings.
func DefaultSettings() Settings {
	return Settings{
		RateLimit:            20,
		DailySendLimit:       10,
		MaxMembersPerContact: 20,
		CreateDateZone:       ChinaTime,
	}
}

// apiDate writes t as the API writes its dates: "yyyy-MM-dd HH:mm:ss", in
// CreateDateZone, on the clock skewed by CreateDateSkew.
func (s Settings) apiDate(t time.Time) string {
	return t.Add(s.CreateDateSkew).In(s.CreateDateZone.location()).Format(dateLayout)
}

// WithSettings edits the settings an emulator starts with (DefaultSettings
// plus the edits of earlier WithSettings options). New panics and NewServer
// fails the test if the result is not valid.
func WithSettings(change func(*Settings)) Option {
	return func(c *config) { change(&c.settings) }
}

// Settings returns the current settings.
func (e *Emulator) Settings() Settings {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg.settings
}

// Apply changes the settings of a running emulator: change edits a copy of
// the current settings, which replace them if the result is valid.
func (e *Emulator) Apply(change func(*Settings)) error {
	return e.update(func(s *Settings) error { change(s); return nil })
}

// MustApply is Apply for settings known to be valid: it panics otherwise.
func (e *Emulator) MustApply(change func(*Settings)) {
	if err := e.Apply(change); err != nil {
		panic(err)
	}
}

// update is Apply for a change that may fail: then nothing changes.
func (e *Emulator) update(change func(*Settings) error) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.cfg.settings
	if err := change(&s); err != nil {
		return err
	}
	if err := s.Validate(); err != nil {
		return err
	}
	e.setSettings(s)
	return nil
}

// setSettings stores valid settings. It runs with e.mu held.
func (e *Emulator) setSettings(s Settings) {
	if s.RateLimit != e.cfg.settings.RateLimit {
		e.resetLimiters()
	}
	e.cfg.settings = s
}

// Validate reports every field out of its bounds.
func (s Settings) Validate() error {
	var errs []error
	for _, f := range settingFields {
		errs = append(errs, f.check(reflect.ValueOf(s).Field(f.index)))
	}
	return errors.Join(errs...)
}

// MarshalJSON renders every setting under its json name, durations and
// enumerations as strings.
func (s Settings) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	v := reflect.ValueOf(s)
	for i, f := range settingFields {
		if i > 0 {
			buf.WriteByte(',')
		}
		var val any = f.text(v.Field(f.index))
		if f.numeric() {
			val = v.Field(f.index).Interface()
		}
		key, _ := json.Marshal(f.name)
		b, err := json.Marshal(val)
		if err != nil {
			return nil, err
		}
		buf.Write(key)
		buf.WriteByte(':')
		buf.Write(b)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// UnmarshalJSON sets the settings an object names and leaves the others
// unchanged, so decoding onto the current settings applies a patch. Unknown
// names and bad values are errors naming the setting.
func (s *Settings) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	v := reflect.ValueOf(s).Elem()
	var errs []error
	for name, msg := range raw {
		f, ok := settingByName(name)
		if !ok {
			errs = append(errs, fmt.Errorf("unknown setting %q (known: %s)", name, strings.Join(settingNames(), ", ")))
			continue
		}
		text := string(msg)
		if str := ""; json.Unmarshal(msg, &str) == nil {
			text = str
		}
		if err := f.set(v.Field(f.index), text); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// RegisterFlags defines one flag per setting on fs, named after its json
// name with "-" for "_", defaulting to s's value and writing into s.
func (s *Settings) RegisterFlags(fs *flag.FlagSet) {
	v := reflect.ValueOf(s).Elem()
	for _, f := range settingFields {
		fs.Var(settingFlag{f, v.Field(f.index)}, f.flagName(), f.help)
	}
}

// settingField is what the struct tags of one Settings field say.
type settingField struct {
	index    int
	name     string
	help     string
	min, max *float64 // from the range tag
}

var durationType = reflect.TypeFor[time.Duration]()

var settingFields = func() []settingField {
	t := reflect.TypeFor[Settings]()
	out := make([]settingField, 0, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		f := settingField{index: i, name: sf.Tag.Get("json"), help: sf.Tag.Get("help")}
		if f.name == "" || f.help == "" {
			panic("emulator: Settings." + sf.Name + " needs json and help tags")
		}
		if r, ok := sf.Tag.Lookup("range"); ok {
			lo, hi, _ := strings.Cut(r, ",")
			parse := func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
			if sf.Type == durationType {
				parse = func(s string) (float64, error) { d, err := time.ParseDuration(s); return float64(d), err }
			}
			minV, err1 := parse(lo)
			maxV, err2 := parse(hi)
			if err1 != nil || err2 != nil {
				panic("emulator: Settings." + sf.Name + ": bad range tag " + r)
			}
			f.min, f.max = &minV, &maxV
		}
		out = append(out, f)
	}
	return out
}()

func settingByName(name string) (settingField, bool) {
	for _, f := range settingFields {
		if f.name == name {
			return f, true
		}
	}
	return settingField{}, false
}

func settingNames() []string {
	names := make([]string, len(settingFields))
	for i, f := range settingFields {
		names[i] = f.name
	}
	return names
}

func (f settingField) flagName() string { return strings.ReplaceAll(f.name, "_", "-") }

func (f settingField) numeric() bool {
	v := reflect.New(reflect.TypeFor[Settings]().Field(f.index).Type).Elem()
	if v.Type() == durationType {
		return false
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int64, reflect.Float64:
		_, isText := v.Addr().Interface().(encoding.TextMarshaler)
		return !isText
	}
	return false
}

// text renders a field's value as the flag and JSON forms write it.
func (f settingField) text(v reflect.Value) string {
	if v.Type() == durationType {
		return time.Duration(v.Int()).String()
	}
	if m, ok := v.Interface().(encoding.TextMarshaler); ok {
		b, _ := m.MarshalText()
		return string(b)
	}
	return fmt.Sprint(v.Interface())
}

// set parses text into the field and checks its bounds.
func (f settingField) set(v reflect.Value, text string) error {
	nv := reflect.New(v.Type()).Elem()
	switch u, isText := nv.Addr().Interface().(encoding.TextUnmarshaler); {
	case nv.Type() == durationType:
		d, err := time.ParseDuration(text)
		if err != nil {
			return fmt.Errorf("%q is not a duration (write it like 250ms or 2s)", text)
		}
		nv.SetInt(int64(d))
	case isText:
		if err := u.UnmarshalText([]byte(text)); err != nil {
			return err
		}
	case nv.Kind() == reflect.Int:
		n, err := strconv.Atoi(text)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", text)
		}
		nv.SetInt(int64(n))
	case nv.Kind() == reflect.Float64:
		x, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", text)
		}
		nv.SetFloat(x)
	default:
		return fmt.Errorf("unsupported setting type %s", nv.Type())
	}
	if err := f.bounds(nv); err != nil {
		return err
	}
	v.Set(nv)
	return nil
}

// check reports a field out of its bounds, naming it.
func (f settingField) check(v reflect.Value) error {
	if err := f.bounds(v); err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	return nil
}

func (f settingField) bounds(v reflect.Value) error {
	switch {
	case v.Type() == durationType && f.min != nil:
		if d := float64(v.Int()); d < *f.min || d > *f.max {
			return fmt.Errorf("%s is not within [%s, %s]", f.text(v), time.Duration(*f.min), time.Duration(*f.max))
		}
	case v.Type() == durationType && v.Int() < 0:
		return fmt.Errorf("%s is negative; durations are 0 or more", f.text(v))
	case f.min != nil && v.Kind() == reflect.Float64 && (v.Float() < *f.min || v.Float() > *f.max):
		return fmt.Errorf("%v is not within [%v, %v]", v.Float(), *f.min, *f.max)
	}
	return nil
}

// settingFlag is one setting as a flag.Value.
type settingFlag struct {
	f settingField
	v reflect.Value
}

func (s settingFlag) String() string {
	if !s.v.IsValid() {
		return "" // the zero Value flag.isZeroValue builds
	}
	return s.f.text(s.v)
}

func (s settingFlag) Set(text string) error { return s.f.set(s.v, text) }
