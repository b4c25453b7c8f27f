//! Conversion webhooks: [`Conversion`], the versions of one kind converted through a hub (the
//! storage version), controller-runtime's `conversion.Hub`/`Convertible`.

use std::fmt::Display;
use std::marker::PhantomData;

use serde_json::Value;

use super::admission::{WebhookResource, gvk_of};

type ToHub<Hub> = fn(&Value) -> Result<Hub, String>;
type FromHub<Hub> = fn(Hub) -> Result<Value, String>;

/// The versions of one kind and how to convert between them: a hub (usually the storage
/// version) and spokes, each convertible to and from the hub with `TryFrom` (`From` impls
/// satisfy that). A conversion between two spokes goes through the hub.
///
/// ```text
/// manager.add_conversion(Conversion::<v2::Guestbook>::new().spoke::<v1::Guestbook>());
/// ```
///
/// All conversions are served at [`CONVERSION_PATH`](super::CONVERSION_PATH) (`/convert`),
/// each object dispatched on its group and kind. Metadata cannot change in a conversion (the
/// API server rejects that), so the converted object keeps the input's metadata, except its
/// labels and annotations, which are the converter's — unless the converter returned no
/// metadata at all (no name), then they are the input's too.
pub struct Conversion<Hub> {
    spokes: Vec<Spoke<Hub>>,
    hub: PhantomData<fn() -> Hub>,
}

struct Spoke<Hub> {
    api_version: String,
    to_hub: ToHub<Hub>,
    from_hub: FromHub<Hub>,
}

impl<Hub> std::fmt::Debug for Conversion<Hub>
where
    Hub: WebhookResource,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conversion")
            .field("kind", &Hub::kind(&()))
            .field("hub", &Hub::api_version(&()))
            .field(
                "spokes",
                &self
                    .spokes
                    .iter()
                    .map(|s| s.api_version.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<Hub: WebhookResource> Default for Conversion<Hub> {
    fn default() -> Self {
        Self::new()
    }
}

impl<Hub: WebhookResource> Conversion<Hub> {
    /// The hub alone; add the other versions with [`spoke`](Self::spoke).
    pub fn new() -> Self {
        Self {
            spokes: Vec::new(),
            hub: PhantomData,
        }
    }

    /// Adds the version `S`, converted to the hub with `Hub::try_from` and back with
    /// `S::try_from`.
    ///
    /// # Panics
    ///
    /// When `S` is not a version of the hub's group and kind, or is registered twice.
    pub fn spoke<S>(mut self) -> Self
    where
        S: WebhookResource + TryFrom<Hub>,
        <S as TryFrom<Hub>>::Error: Display,
        Hub: TryFrom<S>,
        <Hub as TryFrom<S>>::Error: Display,
    {
        let (hub, spoke) = (gvk_of::<Hub>(), gvk_of::<S>());
        assert!(
            hub.group == spoke.group && hub.kind == spoke.kind,
            "Conversion::spoke: {}/{} {} is not a version of the hub's kind {} in group {}",
            spoke.group,
            spoke.version,
            spoke.kind,
            hub.kind,
            hub.group
        );
        let api_version = S::api_version(&()).into_owned();
        assert!(
            api_version != Hub::api_version(&())
                && !self.spokes.iter().any(|s| s.api_version == api_version),
            "Conversion::spoke: {api_version} {} is registered twice",
            spoke.kind
        );
        self.spokes.push(Spoke {
            api_version,
            to_hub: spoke_to_hub::<Hub, S>,
            from_hub: hub_to_spoke::<Hub, S>,
        });
        self
    }

    /// The kind's group.
    pub fn group(&self) -> String {
        Hub::group(&()).into_owned()
    }

    /// The kind.
    pub fn kind(&self) -> String {
        Hub::kind(&()).into_owned()
    }

    /// Every version this conversion knows (`group/version`), the hub's first.
    pub fn api_versions(&self) -> Vec<String> {
        std::iter::once(Hub::api_version(&()).into_owned())
            .chain(self.spokes.iter().map(|s| s.api_version.clone()))
            .collect()
    }

    /// Converts one object (JSON, as the API server sends it) to `desired_api_version`; the
    /// object itself if it already has that version.
    ///
    /// The API server also converts partial objects: server-side apply converts what other
    /// managers own, which may have no `spec`. Go's converters read a missing field as its
    /// zero value; here a missing `spec` is converted as `{}` and left out of the answer, so
    /// the answer has the fields the question had.
    pub fn convert(&self, mut object: Value, desired_api_version: &str) -> Result<Value, String> {
        let from = object
            .get("apiVersion")
            .and_then(Value::as_str)
            .ok_or("the object has no apiVersion")?
            .to_string();
        if from == desired_api_version {
            return Ok(object);
        }
        let partial = object.get("spec").is_none();
        if partial && let Some(fields) = object.as_object_mut() {
            fields.insert("spec".into(), Value::Object(Default::default()));
        }
        let mut converted = self.convert_whole(&object, &from, desired_api_version)?;
        if partial && let Some(fields) = converted.as_object_mut() {
            fields.remove("spec");
        }
        Ok(converted)
    }

    fn convert_whole(
        &self,
        object: &Value,
        from: &str,
        desired_api_version: &str,
    ) -> Result<Value, String> {
        let hub_version = Hub::api_version(&());
        let hub: Hub = if from == hub_version {
            Hub::deserialize(object)
                .map_err(|e| format!("not a valid {from} {}: {e}", Hub::kind(&())))?
        } else {
            (self.find_spoke(from)?.to_hub)(object)?
        };
        let mut converted = if desired_api_version == hub_version {
            serde_json::to_value(&hub).map_err(|e| format!("cannot encode {hub_version}: {e}"))?
        } else {
            (self.find_spoke(desired_api_version)?.from_hub)(hub)?
        };
        keep_metadata(object, &mut converted);
        Ok(converted)
    }

    fn find_spoke(&self, api_version: &str) -> Result<&Spoke<Hub>, String> {
        self.spokes
            .iter()
            .find(|s| s.api_version == api_version)
            .ok_or_else(|| {
                format!(
                    "no conversion for {api_version} {}: this webhook converts {}",
                    Hub::kind(&()),
                    self.api_versions().join(", ")
                )
            })
    }
}

fn spoke_to_hub<Hub, S>(object: &Value) -> Result<Hub, String>
where
    S: WebhookResource,
    Hub: WebhookResource + TryFrom<S>,
    <Hub as TryFrom<S>>::Error: Display,
{
    let spoke = S::deserialize(object)
        .map_err(|e| format!("not a valid {} {}: {e}", S::api_version(&()), S::kind(&())))?;
    Hub::try_from(spoke).map_err(|e| {
        format!(
            "converting {} to {}: {e}",
            S::api_version(&()),
            Hub::api_version(&())
        )
    })
}

fn hub_to_spoke<Hub, S>(hub: Hub) -> Result<Value, String>
where
    Hub: WebhookResource,
    S: WebhookResource + TryFrom<Hub>,
    <S as TryFrom<Hub>>::Error: Display,
{
    let spoke = S::try_from(hub).map_err(|e| {
        format!(
            "converting {} to {}: {e}",
            Hub::api_version(&()),
            S::api_version(&())
        )
    })?;
    serde_json::to_value(&spoke).map_err(|e| format!("cannot encode {}: {e}", S::api_version(&())))
}

/// The input's metadata, with the converter's labels and annotations (if it kept metadata).
fn keep_metadata(input: &Value, converted: &mut Value) {
    let Some(mut metadata) = input.get("metadata").cloned() else {
        return;
    };
    let theirs = converted.get("metadata");
    let carried = theirs
        .and_then(|m| m.get("name"))
        .is_some_and(|n| !n.is_null());
    if carried && let (Some(ours), Some(theirs)) = (metadata.as_object_mut(), theirs) {
        for key in ["labels", "annotations"] {
            match theirs.get(key).filter(|v| !v.is_null()) {
                Some(value) => {
                    ours.insert(key.to_string(), value.clone());
                }
                None => {
                    ours.remove(key);
                }
            }
        }
    }
    if let Some(object) = converted.as_object_mut() {
        object.insert("metadata".to_string(), metadata);
    }
}

/// One type-erased [`Conversion`].
pub(crate) trait ErasedConversion: Send + Sync {
    fn group(&self) -> String;
    fn kind(&self) -> String;
    fn convert(&self, object: Value, desired_api_version: &str) -> Result<Value, String>;
}

impl<Hub: WebhookResource> ErasedConversion for Conversion<Hub> {
    fn group(&self) -> String {
        Conversion::group(self)
    }
    fn kind(&self) -> String {
        Conversion::kind(self)
    }
    fn convert(&self, object: Value, desired_api_version: &str) -> Result<Value, String> {
        Conversion::convert(self, object, desired_api_version)
    }
}
