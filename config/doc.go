// Package config reads cpi.json, the CPI's configuration that the release's
// cloudstack_cpi job renders from its properties (release/jobs/cloudstack_cpi,
// templates/cpi.json.erb). Keys are snake_case and keep the names of the
// older CloudStack CPI's job properties, so existing manifests and
// bosh-deployment's cloudstack/cpi.yml carry over.
//
// Load (or Parse) decodes the file over Default, so every key but the five
// required ones may be left out; a JSON null counts as left out. A value of
// the wrong type is an error naming its key; an unknown key is not an error
// but a warning in Config.Warnings. Validate reports every problem at once,
// each naming its dotted key. The director can overlay a CPI config's
// properties on each request: see Config.MergeContext.
//
// A minimal cpi.json:
//
//	{"cloudstack": {"endpoint": "https://cloud.example/client/api", "api_key": "K",
//	                "secret_access_key": "S", "default_zone": "zone1"},
//	 "agent": {"mbus": "https://mbus:PASSWORD@0.0.0.0:6868"}}
//
// example_cpi.json, beside this file, sets every key.
//
// # Keys
//
//	| Key                                        | Default                                    | Meaning |
//	|--------------------------------------------|--------------------------------------------|---------|
//	| `cloudstack.endpoint`                      | required                                   | CloudStack API URL, http(s), usually `https://<host>/client/api`. |
//	| `cloudstack.api_key`                       | required                                   | API key of the CloudStack account the CPI acts as. |
//	| `cloudstack.secret_access_key`             | required                                   | Secret key of that account; signs every API call. |
//	| `cloudstack.default_zone`                  | required                                   | Zone (name or id) used when neither the AZ nor the cloud properties name one. |
//	| `cloudstack.skip_ssl_validation`           | `false`                                    | `true` turns TLS certificate verification off, for API calls and template uploads alike. The older key `skip_verify_ssl` is accepted with the same meaning (`true` = do not verify). |
//	| `cloudstack.ca_cert`                       | `""`                                       | PEM certificate(s) of a private CA to trust besides the system roots. Must hold at least one certificate when set. |
//	| `cloudstack.default_key_name`              | `""`                                       | SSH key pair given to every VM whose vm_type names none (`""`: none). |
//	| `cloudstack.expunge_vm`                    | `true`                                     | Expunge VMs on delete instead of leaving them destroyed but recoverable. |
//	| `cloudstack.http_timeout`                  | `60`                                       | Seconds allowed for each API HTTP call (at least 1). |
//	| `cloudstack.user_data_max_bytes`           | `32768`                                    | Largest user-data (base64) the CPI sends, 1 to 1048576. CloudStack's own limit is its `vm.userdata.max.length` setting. |
//	| `cloudstack.ephemeral_disk_mode`           | `"deploy"`                                 | Where the ephemeral disk comes from: `deploy` (a data disk created by deployVirtualMachine), `volume` (a separate volume, as the older CPI made it: the VM is deployed stopped, the volume created attached to it, then the VM started, so the disk is there at first boot) or `none` (the root disk's free space). |
//	| `cloudstack.timeout.global`                | `1800`                                     | Seconds any wait (async job, template ready, VM state) may take, unless its own key below says otherwise. At least 1. |
//	| `cloudstack.timeout.<operation>`           | `0` (use `global`)                         | Seconds for one kind of wait: `reboot_vm`, `create_vm`, `delete_vm`, `stop_vm`, `create_volume`, `delete_volume`, `resize_volume`, `attach_volume`, `detach_volume`, `poll_template`, `snapshot_volume`, `delete_snapshot_volume`. |
//	| `cloudstack.polling.initial_interval_ms`   | `200`                                      | First interval, in milliseconds, between two polls of a wait (at least 1). |
//	| `cloudstack.polling.max_interval_ms`       | `5000`                                     | Interval the backoff grows to, in milliseconds (not less than the initial one). |
//	| `cloudstack.default_offer.disk`            | `""`                                       | Disk offering (name or id) for persistent disks whose disk_type names none. |
//	| `cloudstack.default_offer.ephemeral_disk`  | `""`                                       | Disk offering for the ephemeral disk when the vm_type names none. |
//	| `cloudstack.default_offer.custom_disk`     | `""`                                       | Customized disk offering (one that takes any size) used when a size is asked for without an offering. |
//	| `cloudstack.stemcell.public_visibility`    | `false`                                    | Register stemcell templates as public. |
//	| `cloudstack.stemcell.featured`             | `false`                                    | Register stemcell templates as featured (needs an admin account). |
//	| `cloudstack.stemcell.requires_hvm`         | `true`                                     | Register stemcell templates as requiring HVM. |
//	| `cloudstack.stemcell.os_type`              | `"Other PV (64-bit)"`                      | CloudStack OS type (its description) of registered templates, unless the stemcell names one. |
//	| `cloudstack.stemcell.formats`              | `["cloudstack-vhdx", "cloudstack-light"]`  | Stemcell formats `info` reports, i.e. what the cloud can boot. A KVM cloud may add `openstack-qcow2`. |
//	| `cloudstack.stemcell.url`                  | `""`                                       | Base http(s) URL from which CloudStack downloads stemcell images (registerTemplate) instead of the CPI uploading them. |
//	| `cloudstack.stemcell.upload_retries`       | `3`                                        | Extra attempts at a failed template upload. |
//	| `cloudstack.stemcell.zones`                | `[]`                                       | More zones (names or ids) each stemcell template is copied to after its upload to the default zone; VMs in other zones get a copy on demand. |
//	| `cloudstack.enable_auto_anti_affinity`     | `false`                                    | Put the VMs of each instance group into one affinity group of their own. |
//	| `cloudstack.auto_anti_affinity_type`       | `"host anti-affinity"`                     | CloudStack affinity group type for those groups (`host anti-affinity` is strict: a deploy fails when no other host is left). |
//	| `cloudstack.calculate.disk_tags`           | `[]`                                       | Storage tags a disk offering must carry to be chosen by calculate_vm_cloud_properties. |
//	| `cloudstack.calculate.not_disk_tags`       | `[]`                                       | Storage tags that exclude a disk offering from that choice. |
//	| `cloudstack.calculate.compute_tags`        | `[]`                                       | Host tags a compute offering must carry to be chosen by calculate_vm_cloud_properties. |
//	| `cloudstack.calculate.not_compute_tags`    | `[]`                                       | Host tags that exclude a compute offering from that choice. |
//	| `agent.mbus`                               | required                                   | URL the agent listens on for the director, e.g. `https://mbus:PASSWORD@0.0.0.0:6868` (create-env) or `nats://...`. |
//	| `agent.ntp`                                | `[]`                                       | NTP servers for the agents. |
//	| `agent.blobstore.provider`                 | none                                       | Blobstore type for the agents (`local`, `dav`, `s3`, `gcs`, ...); required when `agent.blobstore` is set. |
//	| `agent.blobstore.options`                  | none                                       | Options of that blobstore, passed to the agents as they are. |
//	| `registry.host`                            | `""`                                       | Legacy BOSH registry host, used only for stemcells of API version 1 (`""`: no registry). |
//	| `registry.port`                            | `6901`                                     | Port of that registry. |
//	| `registry.username`                        | `""`                                       | User of that registry. |
//	| `registry.password`                        | `""`                                       | Password of that registry. |
//	| `registry.endpoint`                        | `""`                                       | Registry http(s) URL, an alternative to `host` and `port`. |
//	| `log_level`                                | `"info"`                                   | Log level on stderr: `debug`, `info`, `warn` or `error`. |
package config
