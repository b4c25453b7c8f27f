//! The reconciler of Memcached objects: each runs the image `memcached:1.6` as a Deployment
//! of `spec.replicas` pods listening on `spec.containerPort`, and reports in its status
//! whether they are `Available`.
//!
//! `reconcile` runs whenever a Memcached or its Deployment changes (and periodically). It
//! must be idempotent: the Deployment is written with server-side apply under this
//! controller's field manager, so a reconcile that finds everything in order changes nothing.
//! A finalizer lets it delete the Deployment and record it when the Memcached is deleted.
//! The `#[rbac]` attributes list the permissions it needs; `cargo operator manifests` turns
//! them into config/rbac/role.yaml.

use std::sync::Arc;
use std::time::Duration;

use api::cache::v1alpha1::Memcached;
use cargo_operator_runtime::finalizer::{Event, finalizer};
use cargo_operator_runtime::k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use cargo_operator_runtime::k8s_openapi::api::core::v1::{
    Container, ContainerPort, PodSpec, PodTemplateSpec, SecurityContext,
};
use cargo_operator_runtime::k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, ObjectMeta,
};
use cargo_operator_runtime::kube::api::{Api, DeleteParams};
use cargo_operator_runtime::{
    Action, Context, Controller, EventType, ReconcileError, ResourceExt, conditions, owner, rbac,
};

/// The controller's name in logs, metrics and events, and its field manager.
pub const NAME: &str = "memcached";

/// The image every Memcached runs.
// TODO(user): take it from the spec instead if objects should choose their own.
pub const IMAGE: &str = "memcached:1.6";

/// The finalizer that holds a deleted Memcached until its Deployment is gone.
pub const FINALIZER: &str = "cache.example.com/finalizer";

/// The condition types of the status (the Kubernetes API conventions' names).
pub const AVAILABLE: &str = "Available";
pub const DEGRADED: &str = "Degraded";

/// The controller the manager runs: every Memcached in all namespaces, and the Deployments
/// they own.
pub fn controller() -> Controller<Memcached> {
    Controller::new(NAME, reconcile).owns::<Deployment>()
}

#[rbac(groups = ["cache.example.com"], resources = ["memcacheds"], verbs = ["get", "list", "watch", "create", "update", "patch", "delete"])]
#[rbac(groups = ["cache.example.com"], resources = ["memcacheds/status"], verbs = ["get", "update", "patch"])]
#[rbac(groups = ["cache.example.com"], resources = ["memcacheds/finalizers"], verbs = ["update"])]
#[rbac(groups = ["apps"], resources = ["deployments"], verbs = ["get", "list", "watch", "create", "update", "patch", "delete"])]
#[rbac(groups = ["events.k8s.io"], resources = ["events"], verbs = ["create", "patch"])]
pub async fn reconcile(
    object: Arc<Memcached>,
    ctx: Arc<Context>,
) -> Result<Action, ReconcileError> {
    finalizer(&ctx, FINALIZER, object, |event| async {
        match event {
            Event::Apply(object) => run(object, &ctx).await,
            Event::Cleanup(object) => clean_up(object, &ctx).await,
        }
    })
    .await
}

/// The Deployment as the spec says, and the status as the Deployment says.
async fn run(object: Arc<Memcached>, ctx: &Context) -> Result<Action, ReconcileError> {
    let deployment = ctx.apply(&owned_deployment(&object)?).await?;
    let wanted = object.spec.replicas.unwrap_or(1);
    let available = deployment
        .status
        .as_ref()
        .and_then(|status| status.available_replicas)
        .unwrap_or(0);
    let ready = available >= wanted;
    let generation = object.metadata.generation;
    let mut status = object.status.clone().unwrap_or_default();
    let message = format!("{available} of {wanted} pods of {IMAGE} are available");
    let mut changed = conditions::set_condition(
        &mut status.conditions,
        AVAILABLE,
        ready,
        if ready {
            "MinimumReplicasAvailable"
        } else {
            "Progressing"
        },
        &message,
        generation,
    );
    changed |= conditions::set_condition(
        &mut status.conditions,
        DEGRADED,
        false,
        "Reconciled",
        "The Deployment is as the spec says",
        generation,
    );
    if changed {
        ctx.apply_status(object.as_ref(), &status).await?;
        ctx.publish_event(
            object.as_ref(),
            EventType::Normal,
            "Reconciled",
            "Reconcile",
            Some(message),
        )
        .await?;
    }
    // Until the pods are up, look again soon; the Deployment's changes also wake this up.
    Ok(Action::requeue(Duration::from_secs(if ready {
        300
    } else {
        10
    })))
}

/// The Memcached is being deleted: delete its Deployment (a cluster's garbage collector would,
/// through the owner reference, but not before the finalizer is gone) and say so.
async fn clean_up(object: Arc<Memcached>, ctx: &Context) -> Result<Action, ReconcileError> {
    let namespace = object.namespace().unwrap_or_default();
    let deployments: Api<Deployment> = Api::namespaced(ctx.client().clone(), &namespace);
    match deployments
        .delete(&object.name_any(), &DeleteParams::background())
        .await
    {
        Ok(_) => {}
        Err(cargo_operator_runtime::kube::Error::Api(status)) if status.code == 404 => {}
        Err(error) => return Err(error.into()),
    }
    ctx.publish_event(
        object.as_ref(),
        EventType::Normal,
        "Deleted",
        "Cleanup",
        Some(format!(
            "the Deployment of {} is deleted",
            object.name_any()
        )),
    )
    .await?;
    Ok(Action::await_change())
}

/// The Deployment a Memcached owns: its name, namespace and pods' labels follow the object.
pub fn owned_deployment(object: &Memcached) -> Result<Deployment, ReconcileError> {
    let labels: std::collections::BTreeMap<String, String> = [
        (
            "app.kubernetes.io/name".to_string(),
            "memcached".to_string(),
        ),
        ("app.kubernetes.io/instance".to_string(), object.name_any()),
        (
            "app.kubernetes.io/managed-by".to_string(),
            "guestbook-operator".to_string(),
        ),
    ]
    .into();
    let mut deployment = Deployment {
        metadata: ObjectMeta {
            name: Some(object.name_any()),
            namespace: object.namespace(),
            labels: Some(labels.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(object.spec.replicas.unwrap_or(1)),
            selector: LabelSelector {
                match_labels: Some(labels.clone()),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![Container {
                        name: "memcached".to_string(),
                        image: Some(IMAGE.to_string()),
                        ports: Some(vec![ContainerPort {
                            container_port: object.spec.container_port.unwrap_or(11211),
                            name: Some("memcached".to_string()),
                            ..ContainerPort::default()
                        }]),
                        security_context: Some(SecurityContext {
                            run_as_non_root: Some(true),
                            allow_privilege_escalation: Some(false),
                            ..SecurityContext::default()
                        }),
                        ..Container::default()
                    }],
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        ..Deployment::default()
    };
    owner::set_controller_reference(&mut deployment.metadata, object)?;
    Ok(deployment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cargo_operator_runtime::testing;

    #[test]
    fn the_deployment_runs_the_image_for_its_owner() {
        let object: Memcached =
            testing::object("test", "default", serde_json::json!({ "replicas": 2 }));
        let deployment = owned_deployment(&object).unwrap();
        let spec = deployment.spec.unwrap();
        assert_eq!(spec.replicas, Some(2));
        let container = &spec.template.spec.unwrap().containers[0];
        assert_eq!(container.image.as_deref(), Some(IMAGE));
        assert_eq!(container.ports.as_ref().unwrap()[0].container_port, 11211);
        let owner = &deployment.metadata.owner_references.unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.controller),
            ("Memcached", Some(true))
        );
    }
}
