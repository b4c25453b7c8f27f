//! A hand-written custom resource, standing in for a `#[derive(CustomResource)]` type.
#![allow(dead_code)]

use std::borrow::Cow;

use cargo_operator_runtime::Resource;
use cargo_operator_runtime::k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    Condition, ObjectMeta,
};
use cargo_operator_runtime::kube::core::NamespaceResourceScope;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guestbook {
    pub api_version: String,
    pub kind: String,
    pub metadata: ObjectMeta,
    pub spec: GuestbookSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GuestbookStatus>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GuestbookSpec {
    #[serde(default)]
    pub size: i32,
    /// What the test reconcilers should do: ok, requeue, fail, terminal, panic.
    #[serde(default)]
    pub mode: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct GuestbookStatus {
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

impl Resource for Guestbook {
    type DynamicType = ();
    type Scope = NamespaceResourceScope;

    fn kind(_: &()) -> Cow<'_, str> {
        "Guestbook".into()
    }
    fn group(_: &()) -> Cow<'_, str> {
        "webapp.example.com".into()
    }
    fn version(_: &()) -> Cow<'_, str> {
        "v1".into()
    }
    fn plural(_: &()) -> Cow<'_, str> {
        "guestbooks".into()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}
