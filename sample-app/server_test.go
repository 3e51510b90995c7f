package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

var testInfo = Info{Arch: "riscv64", OS: "linux", Version: "v1.2.3"}

func get(t *testing.T, h http.Handler, path, accept string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRootAnswersHelloWorldWithTheArchitectureInPlainText(t *testing.T) {
	res := get(t, NewHandler(testInfo, slog.New(slog.DiscardHandler)), "/", "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.StatusCode)
	}
	if got, want := body(t, res), "Hello World from riscv64\n"; got != want {
		t.Errorf("body = %q, want %q", got, want)
	}
	if got := res.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", got)
	}
	if got := res.Header.Get("X-Arch"); got != "riscv64" {
		t.Errorf("X-Arch = %q, want riscv64", got)
	}
}

func TestRootAnswersJSONWhenTheClientAcceptsIt(t *testing.T) {
	res := get(t, NewHandler(testInfo, slog.New(slog.DiscardHandler)), "/", "text/html;q=0.9, application/json;q=1")
	if got := res.Header.Get("Content-Type"); got != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", got)
	}
	var g Greeting
	if err := json.Unmarshal([]byte(body(t, res)), &g); err != nil {
		t.Fatal(err)
	}
	want := Greeting{Message: "Hello World from riscv64", Arch: "riscv64", OS: "linux", Version: "v1.2.3"}
	if g != want {
		t.Errorf("greeting = %+v, want %+v", g, want)
	}
}

func TestHealthzAnswersOK(t *testing.T) {
	res := get(t, NewHandler(testInfo, slog.New(slog.DiscardHandler)), "/healthz", "")
	if res.StatusCode != http.StatusOK || body(t, res) != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\\n\"", res.StatusCode, body(t, res))
	}
}

func TestUnknownPathsAreNotFoundAndOtherMethodsAreRejected(t *testing.T) {
	h := NewHandler(testInfo, slog.New(slog.DiscardHandler))
	if res := get(t, h, "/nope", ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /nope = %d, want 404", res.StatusCode)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", rec.Code)
	}
}

func TestEveryRequestIsLoggedAsJSONWithItsStatus(t *testing.T) {
	var logs bytes.Buffer
	h := NewHandler(testInfo, slog.New(slog.NewJSONHandler(&logs, nil)))
	get(t, h, "/nope", "")
	var entry map[string]any
	if err := json.Unmarshal(logs.Bytes(), &entry); err != nil {
		t.Fatalf("log line is not JSON: %q: %v", logs.String(), err)
	}
	if entry["msg"] != "request" || entry["path"] != "/nope" || entry["status"] != float64(404) || entry["method"] != "GET" {
		t.Errorf("log entry = %v, want msg=request path=/nope status=404 method=GET", entry)
	}
}

func TestWantsJSON(t *testing.T) {
	for accept, want := range map[string]bool{
		"":                                  false,
		"*/*":                               false,
		"text/plain":                        false,
		"application/json":                  true,
		"Application/JSON; charset=utf-8":   true,
		"text/html, application/json;q=0.5": true,
		"application/jsonx":                 false,
	} {
		if got := wantsJSON(accept); got != want {
			t.Errorf("wantsJSON(%q) = %v, want %v", accept, got, want)
		}
	}
}
