package main

import (
	"maps"
	"testing"
)

// TestQuietUnreadLogs: with no logging asked for, every logger of the
// provider is turned off; any of the CLI's log variables leaves them alone.
func TestQuietUnreadLogs(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"nothing set", map[string]string{}, map[string]string{
			"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_RESOURCEDIRECTORY": "OFF",
		}},
		{"empty TF_LOG", map[string]string{"TF_LOG": ""}, map[string]string{"TF_LOG": "",
			"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_RESOURCEDIRECTORY": "OFF",
		}},
		{"core only", map[string]string{"TF_LOG_CORE": "TRACE", "TF_LOG_PATH": "tf.log"}, map[string]string{
			"TF_LOG_CORE": "TRACE", "TF_LOG_PATH": "tf.log",
			"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER_RESOURCEDIRECTORY": "OFF",
		}},
		{"TF_LOG", map[string]string{"TF_LOG": "DEBUG"}, map[string]string{"TF_LOG": "DEBUG"}},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "TRACE"}, map[string]string{"TF_LOG_PROVIDER": "TRACE"}},
		{"SDK level", map[string]string{"TF_LOG_SDK_PROTO": "TRACE"}, map[string]string{"TF_LOG_SDK_PROTO": "TRACE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := maps.Clone(tc.env)
			quietUnreadLogs(func(k string) (string, bool) { v, ok := env[k]; return v, ok },
				func(k, v string) error { env[k] = v; return nil })
			if !maps.Equal(env, tc.want) {
				t.Errorf("environment %v becomes %v, want %v", tc.env, env, tc.want)
			}
		})
	}
}
