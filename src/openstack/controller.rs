//! The [`ComputeController`] trait a host implements, one method per operation of the
//! Compute API, and the [`ComputeCall`] each method receives.
//!
//! Every method has a default that answers a `notImplemented` fault (HTTP 501), so a
//! host implements only what its backend has.

use std::collections::BTreeMap;

use async_trait::async_trait;

use super::fault::Fault;
use super::model::*;
use super::version::{ApiVersion, Endpoint};
use crate::core::Context;

/// One call of an operation: who asks, at which version, and the typed input.
#[derive(Clone, Debug)]
pub struct ComputeCall<I> {
    /// The caller, as authentication established it. `context.region` is the region the
    /// API serves.
    pub context: Context,
    /// The microversion the request asked for (2.1 when it named none; 2.1 on the
    /// `/v2` routes; 1.0 or 1.1 on the legacy routes).
    pub version: ApiVersion,
    /// The API the request addressed.
    pub endpoint: Endpoint,
    /// The operation's input.
    pub input: I,
}

impl<I> ComputeCall<I> {
    /// A call of `input` on behalf of `context`, at `version` of `endpoint`.
    pub fn new(context: Context, version: ApiVersion, endpoint: Endpoint, input: I) -> Self {
        ComputeCall {
            context,
            version,
            endpoint,
            input,
        }
    }

    /// The project whose resources the call may see and change.
    pub fn project_id(&self) -> &str {
        &self.context.project_id
    }

    /// The same call with another input.
    pub fn with_input<J>(&self, input: J) -> ComputeCall<J> {
        ComputeCall {
            context: self.context.clone(),
            version: self.version,
            endpoint: self.endpoint,
            input,
        }
    }
}

macro_rules! compute_operations {
    ($( $(#[$doc:meta])* $method:ident($input:ty) -> $output:ty, $what:literal; )*) => {
        /// What a backend does for each operation of the Compute API.
        ///
        /// Implement the methods your backend supports; the others answer
        /// `notImplemented` (501). The caller's project is in `call.context`: a backend
        /// must never show or change another project's resources, and must answer a
        /// foreign id exactly as it answers a missing one (`itemNotFound`). Wrong-state
        /// requests answer `conflictingRequest` (409), exceeded quotas `forbidden` (403),
        /// as Nova does.
        #[async_trait]
        pub trait ComputeController: Send + Sync + 'static {
            $(
                $(#[$doc])*
                async fn $method(&self, call: ComputeCall<$input>) -> Result<$output, Fault> {
                    let _ = call;
                    Err(Fault::not_implemented($what))
                }
            )*
        }

        /// Calls every method of `controller` with a default input, naming each.
        #[cfg(test)]
        pub(crate) async fn call_every_operation(
            controller: &dyn ComputeController,
            context: Context,
        ) -> Vec<(&'static str, Result<(), Fault>)> {
            let mut answers = Vec::new();
            $(
                let call = ComputeCall::new(
                    context.clone(),
                    ApiVersion::V2_1,
                    Endpoint::V2_1,
                    <$input>::default(),
                );
                answers.push((stringify!($method), controller.$method(call).await.map(|_| ())));
            )*
            answers
        }
    };
}

compute_operations! {
    /// `GET /servers` and `GET /servers/detail`: the project's servers, newest first,
    /// after `marker` and at most `limit` of them.
    list_servers(ServerQuery) -> Vec<Server>, "Listing servers";
    /// `GET /servers/{id}`, and what `ips` and the server's views read.
    show_server(String) -> Server, "Showing a server";
    /// `POST /servers`.
    create_server(CreateServer) -> CreatedServers, "Creating servers";
    /// `PUT /servers/{id}`.
    update_server(UpdateServer) -> Server, "Updating a server";
    /// `DELETE /servers/{id}`.
    delete_server(String) -> (), "Deleting a server";
    /// The `reboot` action.
    reboot_server(RebootServer) -> (), "Rebooting a server";
    /// The `os-start` action.
    start_server(String) -> (), "Starting a server";
    /// The `os-stop` action.
    stop_server(String) -> (), "Stopping a server";
    /// The `resize` action.
    resize_server(ResizeServer) -> (), "Resizing a server";
    /// The `confirmResize` action.
    confirm_resize(String) -> (), "Confirming a resize";
    /// The `revertResize` action.
    revert_resize(String) -> (), "Reverting a resize";
    /// The `rebuild` action: the rebuilt server, with its new `admin_pass`.
    rebuild_server(RebuildServer) -> Server, "Rebuilding a server";
    /// The `createImage` action: the new image's id.
    create_image(CreateImage) -> String, "Creating an image";
    /// The `changePassword` action.
    change_password(ChangePassword) -> (), "Changing a password";
    /// `GET /servers/{id}/metadata` (and one item of it).
    server_metadata(String) -> BTreeMap<String, String>, "Server metadata";
    /// `PUT` and `POST /servers/{id}/metadata`, `PUT /servers/{id}/metadata/{key}`: the
    /// metadata afterwards.
    set_server_metadata(SetServerMetadata) -> BTreeMap<String, String>, "Server metadata";
    /// `DELETE /servers/{id}/metadata/{key}`.
    delete_server_metadata(ServerMetadataKey) -> (), "Server metadata";
    /// `GET /flavors` and `GET /flavors/detail`.
    list_flavors(FlavorQuery) -> Vec<Flavor>, "Listing flavors";
    /// `GET /flavors/{id}`.
    show_flavor(String) -> Flavor, "Showing a flavor";
    /// `GET /images` and `GET /images/detail` (and the image endpoint's list).
    list_images(ImageQuery) -> Vec<Image>, "Listing images";
    /// `GET /images/{id}`.
    show_image(String) -> Image, "Showing an image";
    /// `DELETE /images/{id}`.
    delete_image(String) -> (), "Deleting an image";
    /// `GET /os-keypairs`.
    list_keypairs(KeyPairQuery) -> Vec<KeyPair>, "Listing key pairs";
    /// `GET /os-keypairs/{name}`.
    show_keypair(KeyPairRef) -> KeyPair, "Showing a key pair";
    /// `POST /os-keypairs`: the key pair, with its private key when one was generated.
    create_keypair(CreateKeyPair) -> KeyPair, "Creating a key pair";
    /// `DELETE /os-keypairs/{name}`.
    delete_keypair(KeyPairRef) -> (), "Deleting a key pair";
    /// `GET /limits`.
    limits(()) -> Limits, "Limits";
    /// `GET /servers/{id}/backup_schedule` (v1.0).
    backup_schedule(String) -> BackupSchedule, "Backup schedules";
    /// `POST /servers/{id}/backup_schedule` (v1.0).
    set_backup_schedule(SetBackupSchedule) -> (), "Backup schedules";
    /// `DELETE /servers/{id}/backup_schedule` (v1.0): backups stop.
    delete_backup_schedule(String) -> (), "Backup schedules";
    /// `GET /shared_ip_groups` and `/shared_ip_groups/detail` (v1.0).
    list_shared_ip_groups(()) -> Vec<SharedIpGroup>, "Shared IP groups";
    /// `GET /shared_ip_groups/{id}` (v1.0).
    show_shared_ip_group(i64) -> SharedIpGroup, "Shared IP groups";
    /// `POST /shared_ip_groups` (v1.0).
    create_shared_ip_group(CreateSharedIpGroup) -> SharedIpGroup, "Shared IP groups";
    /// `DELETE /shared_ip_groups/{id}` (v1.0).
    delete_shared_ip_group(i64) -> (), "Shared IP groups";
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Nothing;

    impl ComputeController for Nothing {}

    #[tokio::test]
    async fn every_operation_defaults_to_not_implemented() {
        let answers = call_every_operation(&Nothing, Context::default()).await;
        assert_eq!(answers.len(), 34);
        for (method, answer) in answers {
            let fault = answer.expect_err(method);
            assert_eq!(
                fault.status(),
                http::StatusCode::NOT_IMPLEMENTED,
                "{method}"
            );
            assert_eq!(fault.name(), "notImplemented", "{method}");
        }
    }
}
