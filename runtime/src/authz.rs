//! Authentication and authorization of metrics scrapes by the API server, like
//! controller-runtime's `filters.WithAuthenticationAndAuthorization`: the bearer token goes to
//! a TokenReview, the user it names to a SubjectAccessReview for the request's non-resource
//! path and verb (`get /metrics`). Prometheus' ServiceAccount is then allowed by the
//! `metrics-reader` ClusterRole, anyone else is not.
//!
//! Answers are cached briefly (allowed for a minute, denied for ten seconds, like
//! controller-runtime's delegating authenticator and authorizer), so that a scrape every few
//! seconds costs the API server two requests a minute, not two per scrape.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use k8s_openapi::api::authentication::v1::{TokenReview, TokenReviewSpec};
use k8s_openapi::api::authorization::v1::{
    NonResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
};
use kube::Client;
use kube::api::{Api, PostParams};
use tracing::{debug, warn};

/// How long an allowed decision is reused.
pub const ALLOW_TTL: Duration = Duration::from_secs(60);
/// How long an unauthenticated or denied decision is reused.
pub const DENY_TTL: Duration = Duration::from_secs(10);
/// An API server that does not answer within this fails the scrape (not cached).
const REVIEW_TIMEOUT: Duration = Duration::from_secs(10);
/// Beyond this many cached tokens the cache starts over, so random tokens cannot grow it.
const MAX_CACHED: usize = 1024;

/// What the API server said about one token and request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 200: the user may `get` the path.
    Allowed,
    /// 401: no token, or the token is not valid.
    Unauthenticated,
    /// 403: a valid user without the permission.
    Forbidden,
}

impl Decision {
    fn ttl(self) -> Duration {
        match self {
            Self::Allowed => ALLOW_TTL,
            _ => DENY_TTL,
        }
    }
}

/// (token, verb, path) → the decision and when it was made.
type Cache = HashMap<(String, String, String), (Decision, Instant)>;

/// The authorizer shared by all scrapes; cheap to clone.
#[derive(Clone)]
pub struct Authorizer {
    client: Client,
    cache: Arc<Mutex<Cache>>,
}

impl std::fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorizer").finish_non_exhaustive()
    }
}

impl Authorizer {
    /// An authorizer asking the API server behind `client` (which needs `create` on
    /// `tokenreviews` and `subjectaccessreviews`).
    pub fn new(client: Client) -> Self {
        Self {
            client,
            cache: Arc::default(),
        }
    }

    /// The decision for `token` doing `verb` on the non-resource `path`; an error when the
    /// API server could not be asked.
    pub async fn decide(&self, token: &str, verb: &str, path: &str) -> Result<Decision, String> {
        let key = (token.to_string(), verb.to_string(), path.to_string());
        if let Some((decision, at)) = self.lock().get(&key)
            && at.elapsed() < decision.ttl()
        {
            return Ok(*decision);
        }
        let decision = self.review(token, verb, path).await?;
        let mut cache = self.lock();
        if cache.len() >= MAX_CACHED {
            cache.clear();
        }
        cache.insert(key, (decision, Instant::now()));
        Ok(decision)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn review(&self, token: &str, verb: &str, path: &str) -> Result<Decision, String> {
        let reviews: Api<TokenReview> = Api::all(self.client.clone());
        let review = TokenReview {
            spec: TokenReviewSpec {
                token: Some(token.to_string()),
                ..Default::default()
            },
            ..Default::default()
        };
        let review = tokio::time::timeout(
            REVIEW_TIMEOUT,
            reviews.create(&PostParams::default(), &review),
        )
        .await
        .map_err(|_| "TokenReview: the API server did not answer in time".to_string())?
        .map_err(|e| format!("TokenReview: {e}"))?;
        let status = review.status.unwrap_or_default();
        let Some(user) = status.user.filter(|_| status.authenticated == Some(true)) else {
            return Ok(Decision::Unauthenticated);
        };

        let access: Api<SubjectAccessReview> = Api::all(self.client.clone());
        let review = SubjectAccessReview {
            spec: SubjectAccessReviewSpec {
                user: user.username.clone(),
                groups: user.groups,
                uid: user.uid,
                extra: user.extra,
                non_resource_attributes: Some(NonResourceAttributes {
                    path: Some(path.to_string()),
                    verb: Some(verb.to_string()),
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let review = tokio::time::timeout(
            REVIEW_TIMEOUT,
            access.create(&PostParams::default(), &review),
        )
        .await
        .map_err(|_| "SubjectAccessReview: the API server did not answer in time".to_string())?
        .map_err(|e| format!("SubjectAccessReview: {e}"))?;
        let allowed = review.status.is_some_and(|s| s.allowed);
        debug!(user = ?user.username, verb, path, allowed, "metrics scrape authorized");
        Ok(if allowed {
            Decision::Allowed
        } else {
            Decision::Forbidden
        })
    }
}

/// The axum middleware: 401 without a valid bearer token, 403 without permission, 500 when
/// the API server cannot be asked.
pub async fn require_authorization(
    State(authorizer): State<Authorizer>,
    request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return (StatusCode::UNAUTHORIZED, "Unauthorized\n").into_response();
    };
    let verb = request.method().as_str().to_ascii_lowercase();
    let path = request.uri().path().to_string();
    match authorizer.decide(token, &verb, &path).await {
        Ok(Decision::Allowed) => next.run(request).await,
        Ok(Decision::Unauthenticated) => {
            (StatusCode::UNAUTHORIZED, "Unauthorized\n").into_response()
        }
        Ok(Decision::Forbidden) => (
            StatusCode::FORBIDDEN,
            format!("Forbidden (user may not {verb} {path})\n"),
        )
            .into_response(),
        Err(e) => {
            warn!(error = %e, "cannot authorize a metrics scrape");
            (StatusCode::INTERNAL_SERVER_ERROR, "Authorization error\n").into_response()
        }
    }
}
