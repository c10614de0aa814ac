package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/retail-datagen/retail-datagen/internal/config"
)

// configObject is a configuration, or a part of one, laid out like a
// configuration file: {"volume":{"stores":86},...}.
type configObject json.RawMessage

// MarshalJSON writes the object as it is.
func (c configObject) MarshalJSON() ([]byte, error) {
	if len(c) == 0 {
		return []byte("null"), nil
	}
	return c, nil
}

// Schema describes the object in the OpenAPI document.
func (configObject) Schema(huma.Registry) *huma.Schema {
	return configSchema()
}

func configSchema() *huma.Schema {
	return &huma.Schema{
		Type:                 "object",
		AdditionalProperties: true,
		Description:          "Configuration keys grouped by section as in a configuration file (see docs/config-reference.yaml), e.g. {\"volume\":{\"stores\":40}}. Secrets read as \"***\".",
	}
}

// fieldError is one configuration problem.
type fieldError struct {
	Key   string `json:"key" example:"volume.stores" doc:"Dotted configuration key (or environment variable)"`
	Value string `json:"value,omitempty" example:"-1" doc:"The offending value as text; secrets as ***"`
	Rule  string `json:"rule" example:"must be a positive integer" doc:"What is expected"`
}

type configOutput struct {
	Body configObject
}

type configInput struct {
	RawBody []byte `contentType:"application/json"`
}

type validateOutput struct {
	Body struct {
		Valid  bool         `json:"valid"`
		Errors []fieldError `json:"errors" nullable:"false"`
	}
}

func (s *Server) registerConfig() {
	huma.Register(s.api, huma.Operation{
		OperationID: "get-config",
		Method:      http.MethodGet,
		Path:        "/api/v1/config",
		Summary:     "Effective configuration",
		Description: "The configuration in use, secrets as `***`.",
		Tags:        []string{"config"},
	}, func(context.Context, *struct{}) (*configOutput, error) {
		return s.configResponse(s.Config())
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "validate-config",
		Method:      http.MethodPost,
		Path:        "/api/v1/config/validate",
		Summary:     "Validate a partial configuration",
		Description: "Checks the body merged over the current configuration without changing anything. Unknown keys, wrong types and broken rules are listed in `errors`.",
		Tags:        []string{"config"},
		Errors:      []int{http.StatusBadRequest},
		// The raw body is checked by config.ParsePatch.
		SkipValidateBody: true,
	}, func(_ context.Context, in *configInput) (*validateOutput, error) {
		out := &validateOutput{}
		out.Body.Errors = []fieldError{}
		_, problems, err := s.tryPatch(in.RawBody)
		if err != nil {
			return nil, err
		}
		for _, p := range problems {
			out.Body.Errors = append(out.Body.Errors, fieldError(p))
		}
		out.Body.Valid = len(problems) == 0
		return out, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "patch-config",
		Method:      http.MethodPatch,
		Path:        "/api/v1/config",
		Summary:     "Change configuration keys",
		Description: "Merges the body over the current configuration; keys not given keep their values. " +
			"Invalid input gives 422 listing every problem (`errors[].location` is `body.<key>`) and changes nothing. " +
			"Accepted changes apply at once and, when the server was started with --config, are written to that file (secrets never are). " +
			"A secret sent back as `***` stays unchanged. output.dir, paths.master and paths.facts cannot change while serving.",
		Tags:             []string{"config"},
		Errors:           []int{http.StatusBadRequest, http.StatusUnprocessableEntity},
		SkipValidateBody: true,
	}, func(_ context.Context, in *configInput) (*configOutput, error) {
		s.cfgMu.Lock()
		defer s.cfgMu.Unlock()
		merged, problems, err := s.tryPatchLocked(in.RawBody)
		if err != nil {
			return nil, err
		}
		if len(problems) > 0 {
			return nil, invalidConfig(problems)
		}
		if s.file != "" {
			if err := config.UpdateFile(s.file, merged.added); err != nil {
				return nil, huma.Error500InternalServerError(fmt.Sprintf("the configuration was valid but could not be saved, nothing changed: %v", err))
			}
			s.fileDirt = true
		}
		s.setConfig(merged.cfg, merged.patch)
		return s.configResponse(*merged.cfg)
	})

	huma.Register(s.api, huma.Operation{
		OperationID: "reset-config",
		Method:      http.MethodPost,
		Path:        "/api/v1/config/reset",
		Summary:     "Undo every change",
		Description: "Back to the configuration the server started with; a --config file changed by PATCH gets its original content back.",
		Tags:        []string{"config"},
	}, func(context.Context, *struct{}) (*configOutput, error) {
		s.cfgMu.Lock()
		defer s.cfgMu.Unlock()
		cfg, err := config.Load(s.base)
		if err != nil {
			return nil, huma.Error500InternalServerError(fmt.Sprintf("loading the starting configuration again: %v", err))
		}
		if s.fileDirt {
			if err := config.RestoreFile(s.file, s.fileData); err != nil {
				return nil, huma.Error500InternalServerError(fmt.Sprintf("restoring %s: %v", s.file, err))
			}
			s.fileDirt = false
		}
		s.setConfig(cfg, config.Patch{})
		return s.configResponse(*cfg)
	})

	// The request bodies are read raw (to keep exact numbers and catch
	// repeated keys), so their schema is set here.
	for _, op := range []*huma.Operation{
		s.api.OpenAPI().Paths["/api/v1/config"].Patch,
		s.api.OpenAPI().Paths["/api/v1/config/validate"].Post,
	} {
		op.RequestBody.Description = "A partial configuration"
		op.RequestBody.Content["application/json"].Schema = configSchema()
	}
}

// configResponse renders a configuration, redacted.
func (s *Server) configResponse(c config.Config) (*configOutput, error) {
	var buf bytes.Buffer
	if err := c.WriteTo(&buf, "json"); err != nil {
		return nil, huma.Error500InternalServerError(fmt.Sprintf("rendering the configuration: %v", err))
	}
	return &configOutput{Body: configObject(bytes.TrimSpace(buf.Bytes()))}, nil
}

// patched is a configuration with a partial one applied.
type patched struct {
	cfg   *config.Config
	patch config.Patch // every change so far
	added config.Patch // the changes of this request
}

// tryPatch applies a partial configuration to a copy of the current one.
func (s *Server) tryPatch(body []byte) (patched, config.ValidationErrors, error) {
	s.cfgMu.RLock()
	defer s.cfgMu.RUnlock()
	return s.tryPatchLocked(body)
}

// tryPatchLocked is tryPatch with cfgMu held. Problems with the content
// are returned as ValidationErrors; a body that is not JSON as a 400 error.
func (s *Server) tryPatchLocked(body []byte) (patched, config.ValidationErrors, error) {
	p, err := config.ParsePatch(body)
	var ve config.ValidationErrors
	if err != nil && !errors.As(err, &ve) {
		return patched{}, nil, huma.Error400BadRequest("the body is not a JSON object of configuration keys: " + err.Error())
	}
	// The values that were accepted are checked too, so that every
	// problem is reported at once.
	p = p.Unredacted(*s.cfg)
	opts := s.base
	opts.Patch = s.patch.Merge(p)
	cfg, err := config.Load(opts)
	var rules config.ValidationErrors
	if errors.As(err, &rules) {
		for _, r := range rules {
			if !slices.ContainsFunc(ve, func(e config.FieldError) bool { return e.Key == r.Key }) {
				ve = append(ve, r)
			}
		}
		return patched{}, ve, nil
	}
	if err != nil {
		return patched{}, nil, huma.Error500InternalServerError(fmt.Sprintf("applying the configuration: %v", err))
	}
	if len(ve) > 0 {
		return patched{}, ve, nil
	}
	cur, next := outputKeys(*s.cfg), outputKeys(*cfg)
	for _, k := range slices.Sorted(maps.Keys(cur)) {
		if cur[k] != next[k] {
			ve = append(ve, config.FieldError{Key: k, Value: strconv.Quote(next[k]), Rule: "cannot change while serving: restart serve with another --out"})
		}
	}
	if len(ve) > 0 {
		return patched{}, ve, nil
	}
	return patched{cfg: cfg, patch: opts.Patch, added: p}, nil, nil
}

// outputKeys returns the keys that locate the output folder the server
// serves, which cannot change while it runs.
func outputKeys(c config.Config) map[string]string {
	return map[string]string{"output.dir": c.Output.Dir, "paths.master": c.Paths.Master, "paths.facts": c.Paths.Facts}
}

// invalidConfig is the 422 answer listing configuration problems.
func invalidConfig(problems config.ValidationErrors) error {
	errs := make([]error, 0, len(problems))
	for _, p := range problems {
		d := &huma.ErrorDetail{Message: p.Rule, Location: "body." + p.Key}
		if p.Value != "" {
			d.Value = p.Value
		}
		errs = append(errs, d)
	}
	return huma.Error422UnprocessableEntity(fmt.Sprintf("the configuration is not valid (%d problems); nothing changed", len(problems)), errs...)
}
