//! Who is calling the Compute API: tokens, and the [`TokenValidator`] a deployment
//! checks them with.

use async_trait::async_trait;

use super::fault::Fault;
use crate::core::Context;

/// Checks the `X-Auth-Token` of a request, as Keystone's middleware does for Nova.
#[async_trait]
pub trait TokenValidator: Send + Sync + 'static {
    /// The caller `token` stands for (user, project, roles), or `None` when the token is
    /// unknown or expired: the request is then refused with 401 `unauthorized`. An error
    /// is answered as it is (503 when the identity service cannot be reached, say).
    async fn validate(&self, token: &str) -> Result<Option<Context>, Fault>;
}
