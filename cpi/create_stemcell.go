package cpi

import (
	"context"
	"time"

	"github.com/cloudfoundry-community/bosh-cloudstack-cpi/stemcell"
)

// createStemcell turns the stemcell's image into a CloudStack template and returns its id.
//
//	create_stemcell(image_path, cloud_properties[, {"tags": {...}}])   the third argument is CPI API v3
func createStemcell(ctx context.Context, env *Env, args Args) (any, error) {
	var props stemcell.Props
	if err := args.Decode(1, &props); err != nil {
		return nil, err
	}
	var v3 struct {
		Tags map[string]any `json:"tags"`
	}
	if err := args.Decode(2, &v3); err != nil {
		return nil, err
	}
	manager, err := stemcellManager(env)
	if err != nil {
		return nil, err
	}
	id, err := manager.Create(ctx, args.String(0), props, metadataTags(v3.Tags))
	if err != nil {
		return nil, NewCloudError(err, "create_stemcell")
	}
	return id, nil
}

// deleteStemcell removes the template in every zone; one already gone is success.
func deleteStemcell(ctx context.Context, env *Env, args Args) (any, error) {
	manager, err := stemcellManager(env)
	if err != nil {
		return nil, err
	}
	if err := manager.Delete(ctx, args.String(0)); err != nil {
		return nil, NewCloudError(err, "delete_stemcell")
	}
	return nil, nil
}

func stemcellManager(env *Env) (*stemcell.Manager, error) {
	cloud, err := env.Cloud()
	if err != nil {
		return nil, err
	}
	cs := env.Config.CloudStack
	return &stemcell.Manager{
		Templates: cloud.Templates(),
		Zones:     cloud.Zones(),
		OSTypes:   cloud.OSTypes(),
		Tags:      cloud.Tags(),
		Uploader:  stemcell.Uploader{Client: cloud.UploadClient(), Log: env.Log},
		Log:       env.Log,
		Settings: stemcell.Settings{
			DefaultZone:   cs.DefaultZone,
			Zones:         cs.Stemcell.Zones,
			OSType:        cs.Stemcell.OSType,
			RequiresHVM:   cs.Stemcell.RequiresHVM,
			Public:        cs.Stemcell.PublicVisibility,
			Featured:      cs.Stemcell.Featured,
			BaseURL:       cs.Stemcell.URL,
			UploadRetries: cs.Stemcell.UploadRetries,
			DirectorUUID:  env.Call.DirectorUUID,
			ReadyTimeout:  cs.Timeout.For("poll_template"),
			CopyTimeout:   cs.Timeout.For("poll_template"),
			PollInitial:   time.Duration(cs.Polling.InitialIntervalMS) * time.Millisecond,
			PollMax:       time.Duration(cs.Polling.MaxIntervalMS) * time.Millisecond,
		},
	}, nil
}
