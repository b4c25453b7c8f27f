//! Webhooks called by a real API server: the configurations written from the `#[webhook]`
//! attributes compiled into this test (what `cargo operator manifests` writes) and a CRD with
//! a conversion webhook are installed in envtest, pointed at a Manager serving on a local
//! port; then every request goes through the API server: creates are defaulted, invalid
//! objects refused with the validator's field errors (on create and on update), warnings reach
//! `kubectl`, a protected object cannot be deleted, an object is stored as v2 (the hub) and
//! read as v1 through the conversion webhook, losslessly; and with the server stopped, the
//! failure policy decides.
#![cfg(feature = "envtest")]

use std::time::{Duration, Instant};

use cargo_operator_core::webhook as rules;
use cargo_operator_runtime::envtest::{EnvironmentBuilder, WebhookInstallOptions};
use cargo_operator_runtime::webhook::{
    AdmissionContext, Conversion, Defaulter, FieldError, Validator, Warnings, Webhook, WebhookError,
};
use cargo_operator_runtime::{CustomResourceExt, Manager, ManagerOptions, ResourceExt, webhook};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams};

/// Version 1, served: `size`.
mod v1 {
    use cargo_operator_runtime::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
    #[resource(
        group = "webapp.example.com",
        version = "v1",
        kind = "Guestbook",
        status = "GuestbookStatus",
        namespaced,
        storage = false
    )]
    pub struct GuestbookSpec {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub size: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image: Option<String>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct GuestbookStatus {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub observed_size: Option<i32>,
    }
}

/// Version 2, stored and the hub: `size` is now `replicas`.
mod v2 {
    use cargo_operator_runtime::CustomResource;
    use schemars::JsonSchema;
    use serde::{Deserialize, Serialize};

    #[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
    #[resource(
        group = "webapp.example.com",
        version = "v2",
        kind = "Guestbook",
        status = "GuestbookStatus",
        namespaced
    )]
    pub struct GuestbookSpec {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub replicas: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image: Option<String>,
        /// Only in v2: v1 keeps it in an annotation, so v2 → v1 → v2 loses nothing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tier: Option<String>,
    }

    #[derive(Serialize, Deserialize, Clone, Debug, Default, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    pub struct GuestbookStatus {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub observed_size: Option<i32>,
    }
}

/// Where v1 keeps v2's `tier`.
const TIER_ANNOTATION: &str = "webapp.example.com/tier";

impl From<v1::Guestbook> for v2::Guestbook {
    fn from(old: v1::Guestbook) -> Self {
        let mut metadata = old.metadata;
        let tier = metadata
            .annotations
            .as_mut()
            .and_then(|a| a.remove(TIER_ANNOTATION));
        if metadata.annotations.as_ref().is_some_and(|a| a.is_empty()) {
            metadata.annotations = None;
        }
        v2::Guestbook {
            metadata,
            spec: v2::GuestbookSpec {
                replicas: old.spec.size,
                image: old.spec.image,
                tier,
            },
            status: old.status.map(|s| v2::GuestbookStatus {
                observed_size: s.observed_size,
            }),
        }
    }
}

impl From<v2::Guestbook> for v1::Guestbook {
    fn from(hub: v2::Guestbook) -> Self {
        let mut metadata = hub.metadata;
        if let Some(tier) = hub.spec.tier {
            metadata
                .annotations
                .get_or_insert_default()
                .insert(TIER_ANNOTATION.into(), tier);
        }
        v1::Guestbook {
            metadata,
            spec: v1::GuestbookSpec {
                size: hub.spec.replicas,
                image: hub.spec.image,
            },
            status: hub.status.map(|s| v1::GuestbookStatus {
                observed_size: s.observed_size,
            }),
        }
    }
}

/// `size` defaults to 1, `image` to `nginx:1.27`.
struct GuestbookDefaulter;

#[webhook(
    mutating,
    name = "mguestbook-v1.webapp.example.com",
    path = "/mutate-webapp-example-com-v1-guestbook",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    versions = ["v1"],
    verbs = ["create", "update"],
    failure_policy = "Fail",
    side_effects = "None",
    admission_review_versions = ["v1"]
)]
impl Defaulter<v1::Guestbook> for GuestbookDefaulter {
    async fn default(
        &self,
        _: &AdmissionContext,
        guestbook: &mut v1::Guestbook,
    ) -> Result<(), WebhookError> {
        guestbook.spec.size.get_or_insert(1);
        guestbook
            .spec
            .image
            .get_or_insert_with(|| "nginx:1.27".into());
        Ok(())
    }
}

/// `size` at most 5; objects labelled `protected=true` cannot be deleted.
struct GuestbookValidator;

#[webhook(
    name = "vguestbook-v1.webapp.example.com",
    path = "/validate-webapp-example-com-v1-guestbook",
    groups = ["webapp.example.com"],
    resources = ["guestbooks"],
    versions = ["v1"],
    verbs = ["create", "update", "delete"],
    failure_policy = "Fail",
    side_effects = "None",
    admission_review_versions = ["v1"]
)]
impl Validator<v1::Guestbook> for GuestbookValidator {
    async fn validate_create(
        &self,
        _: &AdmissionContext,
        guestbook: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        check(guestbook)
    }

    async fn validate_update(
        &self,
        _: &AdmissionContext,
        _: &v1::Guestbook,
        new: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        check(new)
    }

    async fn validate_delete(
        &self,
        ctx: &AdmissionContext,
        guestbook: &v1::Guestbook,
    ) -> Result<Warnings, WebhookError> {
        if guestbook.labels().get("protected").map(String::as_str) == Some("true") {
            return Err(WebhookError::msg(format!("{} is protected", ctx.name)));
        }
        Ok(vec![])
    }
}

/// `size` at most 5; a `:latest` image is allowed with a warning.
fn check(guestbook: &v1::Guestbook) -> Result<Warnings, WebhookError> {
    match guestbook.spec.size {
        Some(size) if size > 5 => Err(WebhookError::invalid([FieldError::invalid(
            "spec.size",
            size,
            "must be at most 5",
        )])),
        _ if guestbook
            .spec
            .image
            .as_deref()
            .is_some_and(|i| i.ends_with(":latest")) =>
        {
            Ok(vec![
                "spec.image: the :latest tag is not reproducible".into(),
            ])
        }
        _ => Ok(vec![]),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn guestbook(name: &str, size: Option<i32>) -> v1::Guestbook {
    let mut guestbook = v1::Guestbook::new(name, v1::GuestbookSpec { size, image: None });
    guestbook.metadata.namespace = Some("default".into());
    guestbook
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_server_calls_the_webhooks_the_attributes_declare() {
    // What `cargo operator manifests` writes: the configurations of the compiled attributes,
    // and the CRD of both versions with the conversion webhook.
    let registered = cargo_operator_runtime::registered_webhooks();
    assert_eq!(
        registered
            .iter()
            .map(|w| w.name.as_str())
            .collect::<Vec<_>>(),
        [
            "mguestbook-v1.webapp.example.com",
            "vguestbook-v1.webapp.example.com"
        ]
    );
    let mut crds = cargo_operator_core::crd::merge_versions(vec![
        serde_json::to_value(v1::Guestbook::crd()).unwrap(),
        serde_json::to_value(v2::Guestbook::crd()).unwrap(),
    ])
    .unwrap();
    rules::set_conversion(&mut crds[0]);

    let port = free_port();
    let Some(mut env) = EnvironmentBuilder::new()
        .crds(&crds)
        .webhooks(
            WebhookInstallOptions::new()
                .configurations(rules::configurations(&registered))
                .port(port),
        )
        .start_or_skip()
    else {
        return;
    };
    let local = env.webhooks().expect("installed at start");
    let mut args = vec![
        "guestbook-operator".to_string(),
        "--metrics-bind-address=0".to_string(),
        "--health-probe-bind-address=0".to_string(),
    ];
    args.extend(local.manager_args());
    let options = ManagerOptions::try_parse_from(args).unwrap();
    let client = env.client().unwrap();
    let mut manager = Manager::with_client("guestbook-operator", options, client.clone());
    manager
        .add_webhook(Webhook::defaulting::<v1::Guestbook>(GuestbookDefaulter))
        .add_webhook(Webhook::validating::<v1::Guestbook>(GuestbookValidator))
        .add_conversion(Conversion::<v2::Guestbook>::new().spoke::<v1::Guestbook>());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(manager.run_until(async {
        let _ = stopped.await;
    }));

    let v1_api: Api<v1::Guestbook> = Api::namespaced(client.clone(), "default");
    let v2_api: Api<v2::Guestbook> = Api::namespaced(client.clone(), "default");

    // The API server picks up new configurations within a moment, and the server needs a
    // moment to listen: retry the first create until it comes back defaulted.
    let deadline = Instant::now() + Duration::from_secs(60);
    let created = loop {
        match v1_api
            .create(&PostParams::default(), &guestbook("defaulted", None))
            .await
        {
            Ok(created) if created.spec.size.is_some() => break created,
            Ok(_) => {
                v1_api
                    .delete("defaulted", &DeleteParams::default())
                    .await
                    .unwrap();
            }
            Err(error) if Instant::now() > deadline => {
                panic!(
                    "the webhooks never answered: {error}\n{}",
                    env.apiserver_log_tail(20)
                )
            }
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(
        created.spec.size,
        Some(1),
        "defaulted by the mutating webhook"
    );
    assert_eq!(created.spec.image.as_deref(), Some("nginx:1.27"));

    // Stored as v2 (the storage version) through the conversion webhook, read back either way.
    let stored = v2_api.get("defaulted").await.unwrap();
    assert_eq!(stored.spec.replicas, Some(1), "converted v1 → v2");
    assert_eq!(v1_api.get("defaulted").await.unwrap().spec.size, Some(1));

    // A v2 object written directly is served as v1 by converting it back.
    let mut direct = v2::Guestbook::new(
        "direct",
        v2::GuestbookSpec {
            replicas: Some(4),
            image: Some("nginx:1.28".into()),
            tier: Some("gold".into()),
        },
    );
    direct.metadata.namespace = Some("default".into());
    v2_api
        .create(&PostParams::default(), &direct)
        .await
        .unwrap();
    let mut as_v1 = v1_api.get("direct").await.unwrap();
    assert_eq!(as_v1.spec.size, Some(4));
    assert_eq!(
        as_v1.annotations().get(TIER_ANNOTATION).map(String::as_str),
        Some("gold"),
        "v1 keeps the v2-only field"
    );
    // Updated at the spoke, the hub-only field survives the round trip.
    as_v1.spec.size = Some(5);
    v1_api
        .replace("direct", &PostParams::default(), &as_v1)
        .await
        .unwrap();
    let back = v2_api.get("direct").await.unwrap();
    assert_eq!(back.spec.replicas, Some(5));
    assert_eq!(
        back.spec.tier.as_deref(),
        Some("gold"),
        "lossless: {back:?}"
    );
    assert!(!back.annotations().contains_key(TIER_ANNOTATION));

    // Server-side apply at one version over fields managed at another (a user applies v1,
    // then v2, of a Guestbook whose status a controller applies): the API server then
    // converts partial objects, such as the controller's, which have no spec.
    let apply = |version: &str, spec: serde_json::Value| {
        Patch::Apply(serde_json::json!({
            "apiVersion": format!("webapp.example.com/{version}"),
            "kind": "Guestbook",
            "metadata": {"name": "applied", "namespace": "default", "labels": {"by": "user"}},
            "spec": spec,
        }))
    };
    let user = PatchParams::apply("user").force();
    v1_api
        .patch(
            "applied",
            &user,
            &apply("v1", serde_json::json!({"size": 2})),
        )
        .await
        .unwrap();
    v1_api
        .patch_status(
            "applied",
            &PatchParams::apply("controller").force(),
            &Patch::Apply(serde_json::json!({
                "apiVersion": "webapp.example.com/v1",
                "kind": "Guestbook",
                "status": {"observedSize": 2},
            })),
        )
        .await
        .unwrap();
    let reapplied = v2_api
        .patch(
            "applied",
            &user,
            &apply("v2", serde_json::json!({"replicas": 3, "tier": "silver"})),
        )
        .await
        .unwrap();
    assert_eq!(reapplied.spec.tier.as_deref(), Some("silver"));
    assert_eq!(reapplied.spec.replicas, Some(3));

    // Updates go through the validator.
    as_v1 = v1_api.get("direct").await.unwrap();
    as_v1.spec.size = Some(9);
    let refused = v1_api
        .replace("direct", &PostParams::default(), &as_v1)
        .await
        .expect_err("an update to size 9 is refused");
    assert!(
        refused.to_string().contains("must be at most 5"),
        "{refused}"
    );

    // Warnings reach the client: kubectl prints them.
    let kubectl = std::process::Command::new(env.assets_dir().join("kubectl"))
        .args(["create", "-f", "-"])
        .env("KUBECONFIG", env.kubeconfig())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    kubectl
        .stdin
        .as_ref()
        .unwrap()
        .write_all(
            b"apiVersion: webapp.example.com/v1\nkind: Guestbook\nmetadata:\n  name: latest\n  namespace: default\nspec:\n  image: nginx:latest\n",
        )
        .unwrap();
    let output = kubectl.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("Warning: spec.image: the :latest tag is not reproducible"),
        "{stderr}"
    );

    // The validator's field error comes back through the API server.
    let refused = v1_api
        .create(&PostParams::default(), &guestbook("too-big", Some(7)))
        .await
        .expect_err("size 7 is refused");
    let kube::Error::Api(status) = refused else {
        panic!("expected the API server's refusal, got {refused}");
    };
    assert_eq!(status.code, 422, "{status:?}");
    assert!(status.message.contains("must be at most 5"), "{status:?}");
    assert!(v1_api.get_opt("too-big").await.unwrap().is_none());

    // Deletes go through the validator too.
    let mut protected = guestbook("protected", Some(2));
    protected
        .labels_mut()
        .insert("protected".into(), "true".into());
    v1_api
        .create(&PostParams::default(), &protected)
        .await
        .unwrap();
    let refused = v1_api
        .delete("protected", &DeleteParams::default())
        .await
        .expect_err("a protected object cannot be deleted");
    assert!(
        refused.to_string().contains("protected is protected"),
        "{refused}"
    );
    assert!(v1_api.get_opt("protected").await.unwrap().is_some());

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the manager stops")
        .unwrap();

    // With no server, the failure policy decides: `Fail` refuses, `Ignore` admits.
    let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    for (policy, admitted) in [("Fail", false), ("Ignore", true)] {
        let policy_webhook = rules::Webhook {
            name: "vconfigmap.webapp.example.com".into(),
            path: "/validate--v1-configmap".into(),
            failure_policy: policy.into(),
            side_effects: "None".into(),
            groups: vec![String::new()],
            resources: vec!["configmaps".into()],
            verbs: vec!["CREATE".into()],
            versions: vec!["v1".into()],
            admission_review_versions: vec!["v1".into()],
            ..Default::default()
        };
        env.install_webhooks(
            &WebhookInstallOptions::new()
                .configurations(rules::configurations(&[policy_webhook]))
                .port(port),
        )
        .unwrap();
        // The API server picks up the replaced configuration within a moment.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let name = format!("{}-{attempt}", policy.to_lowercase());
            let created = config_maps
                .create(&PostParams::default(), &config_map(&name))
                .await;
            match (&created, admitted) {
                (Err(error), false) if error.to_string().contains("failed calling webhook") => {
                    break;
                }
                (Ok(_), true) => break,
                _ if Instant::now() > deadline => {
                    panic!("failurePolicy {policy}: {created:?}")
                }
                _ => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }
}

fn config_map(name: &str) -> ConfigMap {
    ConfigMap {
        metadata: kube::api::ObjectMeta {
            name: Some(name.into()),
            ..Default::default()
        },
        ..Default::default()
    }
}
