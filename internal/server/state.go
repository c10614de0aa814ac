package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/danielgtaylor/huma/v2"

	"github.com/retail-datagen/retail-datagen/internal/state"
)

// streamPositionFile is where `stream` records how far into the day after
// the checkpoint the sink acknowledged events.
const streamPositionFile = state.StreamPositionFile

type networkInfo struct {
	DCID          int64  `json:"dc_id"`
	NextDay       string `json:"next_day" doc:"First day not yet simulated"`
	Stores        int    `json:"stores"`
	Shipments     int    `json:"shipments" doc:"Shipments scheduled or moving"`
	OpenOrders    int    `json:"open_orders" doc:"Online orders not yet delivered"`
	PendingVisits int    `json:"pending_visits" doc:"Campaign-driven visits to come"`
	Disruptions   int    `json:"disruptions" doc:"Disruptions not yet over"`
}

type streamInfo struct {
	Day  string `json:"day" doc:"Simulated day the stream is in"`
	Sent int    `json:"sent" doc:"Events of that day acknowledged by the sink"`
}

type stateOutput struct {
	Body struct {
		Generator         string        `json:"generator"`
		Version           string        `json:"version"`
		Seed              uint64        `json:"seed"`
		ConfigFingerprint string        `json:"config_fingerprint"`
		FirstDay          string        `json:"first_day" example:"2025-01-01"`
		LastDay           string        `json:"last_day" example:"2025-01-30"`
		NextDay           string        `json:"next_day" example:"2025-01-31"`
		Days              int           `json:"days"`
		Networks          []networkInfo `json:"networks" nullable:"false" doc:"The checkpoint, summarized per DC network"`
		Stream            *streamInfo   `json:"stream" doc:"Where a stream stopped within next_day; null when none did"`
	}
}

func (s *Server) registerState() {
	huma.Register(s.api, huma.Operation{
		OperationID: "get-state",
		Method:      http.MethodGet,
		Path:        "/api/v1/state",
		Summary:     "Where generation stopped",
		Description: "The output folder's checkpoint (state.json), summarized; 404 when nothing was generated.",
		Tags:        []string{"state"},
		Errors:      []int{http.StatusNotFound},
	}, func(context.Context, *struct{}) (*stateOutput, error) {
		st, err := state.Read(s.outDir)
		if err != nil {
			return nil, huma.Error500InternalServerError(err.Error())
		}
		if st == nil {
			return nil, huma.Error404NotFound(fmt.Sprintf("%s has no state: nothing generated yet (or only master data)", s.outDir))
		}
		out := &stateOutput{}
		b := &out.Body
		b.Generator, b.Version, b.Seed, b.ConfigFingerprint = st.Generator, st.Version, st.Seed, st.ConfigFingerprint
		b.FirstDay, b.LastDay, b.NextDay = st.FirstDay.String(), st.LastDay.String(), (st.LastDay + 1).String()
		b.Days = int(st.LastDay-st.FirstDay) + 1
		b.Networks = make([]networkInfo, 0, len(st.Networks))
		for _, n := range st.Networks {
			b.Networks = append(b.Networks, networkInfo{
				DCID: n.DCID, NextDay: n.Next.String(), Stores: len(n.Stores), Shipments: len(n.Shipments),
				OpenOrders: len(n.Orders), PendingVisits: len(n.Visits), Disruptions: len(n.Disruptions),
			})
		}
		b.Stream = s.streamPosition(b.NextDay)
		return out, nil
	})

	huma.Register(s.api, huma.Operation{
		OperationID:   "clear-state",
		Method:        http.MethodDelete,
		Path:          "/api/v1/state",
		Summary:       "Delete the generated data",
		Description:   "Removes state.json, the manifests and the master and facts folders of the output folder (like `state clear`). 409 while a job or the stream uses the folder.",
		Tags:          []string{"state"},
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{http.StatusConflict},
	}, func(context.Context, *struct{}) (*struct{}, error) {
		if s.Busy() {
			return nil, huma.Error409Conflict("a job or the stream is using the output folder: cancel or stop it first")
		}
		if err := state.Clear(s.outDir); err != nil {
			return nil, huma.Error500InternalServerError(fmt.Sprintf("clearing %s: %v", s.outDir, err))
		}
		s.log.Info("cleared the output folder", "output", s.outDir)
		return nil, nil
	})
}

// streamPosition reads where a stream stopped within day, if it did.
func (s *Server) streamPosition(day string) *streamInfo {
	b, err := os.ReadFile(filepath.Join(s.outDir, streamPositionFile))
	if err != nil {
		return nil
	}
	var p streamInfo
	if json.Unmarshal(b, &p) != nil || p.Day != day || p.Sent == 0 {
		return nil
	}
	return &p
}
