//! kube clients for an environment (feature `client`): the admin, an impersonated user, a
//! ServiceAccount.

use kube::config::AuthInfo;
use kube::{Client, Config};

use crate::{Environment, Error};

impl Environment {
    fn admin_auth(&self) -> AuthInfo {
        AuthInfo {
            client_certificate: Some(self.pki.admin_cert.display().to_string()),
            client_key: Some(self.pki.admin_key.display().to_string()),
            ..Default::default()
        }
    }

    /// A client configuration for the admin user (`system:masters`).
    pub fn config(&self) -> Config {
        let mut config = Config::new(self.server.parse().expect("a valid server URL"));
        config.root_cert = Some(vec![self.pki.ca_der.clone()]);
        config.auth_info = self.admin_auth();
        config
    }

    /// A new admin client (`system:masters`). Build one per tokio runtime: a client is bound to
    /// the runtime that created it.
    pub fn client(&self) -> Result<Client, Error> {
        Ok(Client::try_from(self.config())?)
    }

    /// A client that acts as `user` in `groups` (Kubernetes impersonation from the admin), so
    /// its requests are authorized by RBAC for that identity only.
    pub fn impersonating_client(&self, user: &str, groups: &[&str]) -> Result<Client, Error> {
        let mut config = self.config();
        config.auth_info.impersonate = Some(user.to_string());
        if !groups.is_empty() {
            config.auth_info.impersonate_groups =
                Some(groups.iter().map(|g| g.to_string()).collect());
        }
        Ok(Client::try_from(config)?)
    }

    /// A client that acts as the ServiceAccount `namespace/name`, with the groups the API
    /// server gives a real ServiceAccount token: it has exactly the permissions that RBAC
    /// grants that ServiceAccount (e.g. the operator's generated ClusterRole via its binding).
    pub fn service_account_client(&self, namespace: &str, name: &str) -> Result<Client, Error> {
        let user = format!("system:serviceaccount:{namespace}:{name}");
        let ns_group = format!("system:serviceaccounts:{namespace}");
        self.impersonating_client(
            &user,
            &["system:serviceaccounts", &ns_group, "system:authenticated"],
        )
    }
}
