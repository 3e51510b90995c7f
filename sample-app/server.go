package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Greeting is the JSON body of GET / when the client asks for application/json.
type Greeting struct {
	Message string `json:"message"`
	Arch    string `json:"arch"`
	OS      string `json:"os"`
	Version string `json:"version"`
}

// Info describes the running build; the handler reports it and never looks at the runtime itself,
// so tests can pin it.
type Info struct {
	Arch    string
	OS      string
	Version string
}

// Message is the plain-text greeting for an architecture.
func Message(arch string) string { return "Hello World from " + arch }

// NewHandler returns the service's routes: GET / and GET /healthz. Every request is logged.
func NewHandler(info Info, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Arch", info.Arch)
		w.Header().Set("Vary", "Accept")
		if wantsJSON(r.Header.Get("Accept")) {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(Greeting{Message: Message(info.Arch), Arch: info.Arch, OS: info.OS, Version: info.Version})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte(Message(info.Arch) + "\n"))
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	return logRequests(mux, logger)
}

// wantsJSON reports whether an Accept header names application/json (with any parameters).
// A client that sends no Accept header, or "*/*", gets plain text: curl stays readable.
func wantsJSON(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mediaType, _, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(mediaType), "application/json") {
			return true
		}
	}
	return false
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func logRequests(next http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)),
		)
	})
}
