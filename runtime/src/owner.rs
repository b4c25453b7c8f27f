//! Owner references: the link that lets Kubernetes garbage-collect what a controller created
//! when its owner is deleted, and that lets [`Controller::owns`](crate::Controller::owns)
//! map a change of an owned object back to its owner. controller-runtime's
//! `controllerutil.SetControllerReference`, with its rules.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::core::Resource;

/// Why `owner` cannot be made the controller of an object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    /// The owner has no `metadata.uid` yet (it was never read from the API server).
    #[error("{0} has no uid: read it from the API server before making it an owner")]
    NotPersisted(String),
    /// Another object already controls this one.
    #[error("the object is already controlled by {kind} {name}")]
    AlreadyControlled {
        /// The kind of the current controller.
        kind: String,
        /// Its name.
        name: String,
    },
    /// A namespaced owner cannot own an object in another namespace, or a cluster-scoped one.
    #[error("a namespaced owner ({owner}) can only own objects in its own namespace `{namespace}`")]
    CrossNamespace {
        /// The owner, `kind/name`.
        owner: String,
        /// The owner's namespace.
        namespace: String,
    },
}

/// The controller reference to `owner` (`controller: true`, `blockOwnerDeletion: true`).
pub fn controller_reference<O: Resource<DynamicType = ()>>(
    owner: &O,
) -> Result<OwnerReference, OwnerError> {
    owner
        .controller_owner_ref(&())
        .filter(|r| !r.uid.is_empty())
        .ok_or_else(|| {
            OwnerError::NotPersisted(format!(
                "{} {}",
                O::kind(&()),
                owner.meta().name.clone().unwrap_or_default()
            ))
        })
}

/// Makes `owner` the controller of the object with metadata `child`: its owner reference
/// is added (or refreshed, when `owner` already is the controller). Refused when another
/// object controls it, or when a namespaced owner and the child are in different namespaces.
pub fn set_controller_reference<O: Resource<DynamicType = ()>>(
    child: &mut ObjectMeta,
    owner: &O,
) -> Result<(), OwnerError> {
    let reference = controller_reference(owner)?;
    if let Some(namespace) = owner.meta().namespace.as_deref()
        && child.namespace.as_deref() != Some(namespace)
    {
        return Err(OwnerError::CrossNamespace {
            owner: format!("{}/{}", reference.kind, reference.name),
            namespace: namespace.to_string(),
        });
    }
    let references = child.owner_references.get_or_insert_with(Vec::new);
    if let Some(current) = references.iter().find(|r| r.controller == Some(true))
        && current.uid != reference.uid
    {
        return Err(OwnerError::AlreadyControlled {
            kind: current.kind.clone(),
            name: current.name.clone(),
        });
    }
    references.retain(|r| r.uid != reference.uid);
    references.push(reference);
    Ok(())
}

/// Whether `owner` is the controller of the object with metadata `child`.
pub fn is_controlled_by<O: Resource<DynamicType = ()>>(child: &ObjectMeta, owner: &O) -> bool {
    let Some(uid) = owner.meta().uid.as_deref() else {
        return false;
    };
    child
        .owner_references
        .iter()
        .flatten()
        .any(|r| r.controller == Some(true) && r.uid == uid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ConfigMap;

    fn owner(name: &str, uid: Option<&str>) -> ConfigMap {
        ConfigMap {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                uid: uid.map(Into::into),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_controller_reference_follows_controller_runtimes_rules() {
        let (a, b) = (owner("a", Some("uid-a")), owner("b", Some("uid-b")));
        let mut child = ObjectMeta {
            namespace: Some("default".into()),
            ..Default::default()
        };
        set_controller_reference(&mut child, &a).unwrap();
        set_controller_reference(&mut child, &a).unwrap();
        assert_eq!(child.owner_references.as_ref().unwrap().len(), 1);
        assert!(is_controlled_by(&child, &a));
        assert_eq!(
            set_controller_reference(&mut child, &b),
            Err(OwnerError::AlreadyControlled {
                kind: "ConfigMap".into(),
                name: "a".into()
            })
        );
        let mut elsewhere = ObjectMeta {
            namespace: Some("other".into()),
            ..Default::default()
        };
        assert!(matches!(
            set_controller_reference(&mut elsewhere, &a),
            Err(OwnerError::CrossNamespace { .. })
        ));
        assert!(matches!(
            controller_reference(&owner("c", None)),
            Err(OwnerError::NotPersisted(_))
        ));
    }
}
