//! What the resources' tests share: a controller that records each call and answers
//! fixed data, requests built by hand, and the sample resources (shaped like the
//! servers, flavors and images of Nova's API samples).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use http::{HeaderMap, Method};
use serde_json::Value;
use time::macros::datetime;

use super::super::controller::{ComputeCall, ComputeController};
use super::super::fault::Fault;
use super::super::model::*;
use super::super::request::{
    ApiRequest, ApiResponse, Links, MediaType, ResponseBody, Route, ServerAction,
};
use super::super::version::{ApiVersion, Endpoint};
use super::super::xml::{XMLNS_V10, XMLNS_V11};
use crate::core::{Context, PathParams};

/// The id of the sample server.
pub(in crate::openstack) const SERVER_ID: &str = "0e44cc9c-e052-415d-afbf-469b0d384170";
/// The sample server's image.
pub(super) const IMAGE_ID: &str = "70a599e0-31e7-49b7-b260-868f441e862b";

/// A controller that records every call as `"method input"` (the input's `Debug`,
/// with the call's version) and answers the sample data.
#[derive(Default)]
pub(in crate::openstack) struct Recorder {
    calls: Mutex<Vec<String>>,
    /// The servers it knows, in list order.
    pub(super) servers: Vec<Server>,
    /// The flavors it knows.
    pub(super) flavors: Vec<Flavor>,
    /// The images it knows.
    pub(super) images: Vec<Image>,
    /// The key pairs it knows.
    pub(super) keypairs: Vec<KeyPair>,
    /// What `limits` answers.
    pub(super) limits: Limits,
    /// The shared IP groups it knows.
    pub(super) groups: Vec<SharedIpGroup>,
    /// The backup schedule of every server.
    pub(super) schedule: BackupSchedule,
}

impl Recorder {
    /// A recorder knowing the sample server, flavor, image and key pair.
    pub(in crate::openstack) fn sample() -> Self {
        Recorder {
            servers: vec![sample_server()],
            flavors: vec![sample_flavor()],
            images: vec![sample_image()],
            keypairs: vec![sample_keypair()],
            limits: sample_limits(),
            groups: vec![SharedIpGroup {
                id: 1234,
                name: "Shared IP Group 1".into(),
                servers: vec!["422".into()],
            }],
            schedule: BackupSchedule {
                enabled: true,
                weekly: WeeklyBackup::Thursday,
                daily: DailyBackup(Some(4)),
            },
            ..Recorder::default()
        }
    }

    /// The calls so far.
    pub(in crate::openstack) fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    fn record<I: std::fmt::Debug>(&self, method: &str, call: &ComputeCall<I>) {
        self.calls
            .lock()
            .unwrap()
            .push(format!("{method} {} {:?}", call.version, call.input));
    }

    fn server(&self, id: &str) -> Result<Server, Fault> {
        self.servers
            .iter()
            .find(|server| server.id == id)
            .cloned()
            .ok_or_else(|| Fault::not_found(format!("Instance {id} could not be found.")))
    }
}

#[async_trait]
impl ComputeController for Recorder {
    async fn list_servers(&self, call: ComputeCall<ServerQuery>) -> Result<Vec<Server>, Fault> {
        self.record("list_servers", &call);
        let limit = call.input.limit.unwrap_or(usize::MAX);
        Ok(self.servers.iter().take(limit).cloned().collect())
    }

    async fn show_server(&self, call: ComputeCall<String>) -> Result<Server, Fault> {
        self.record("show_server", &call);
        self.server(&call.input)
    }

    async fn create_server(
        &self,
        call: ComputeCall<CreateServer>,
    ) -> Result<CreatedServers, Fault> {
        self.record("create_server", &call);
        let mut server = self.servers[0].clone();
        server.admin_pass = Some("6NpUwoz2QDRN".into());
        Ok(CreatedServers {
            server,
            reservation_id: "r-3fhpjulh".into(),
        })
    }

    async fn update_server(&self, call: ComputeCall<UpdateServer>) -> Result<Server, Fault> {
        self.record("update_server", &call);
        let mut server = self.server(&call.input.server_id)?;
        if let Some(name) = &call.input.name {
            server.name = name.clone();
        }
        Ok(server)
    }

    async fn delete_server(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        self.record("delete_server", &call);
        self.server(&call.input).map(|_| ())
    }

    async fn reboot_server(&self, call: ComputeCall<RebootServer>) -> Result<(), Fault> {
        self.record("reboot_server", &call);
        Ok(())
    }

    async fn start_server(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        self.record("start_server", &call);
        Err(Fault::conflict(format!(
            "Cannot 'start' instance {} while it is in vm_state active",
            call.input
        )))
    }

    async fn stop_server(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        self.record("stop_server", &call);
        Ok(())
    }

    async fn resize_server(&self, call: ComputeCall<ResizeServer>) -> Result<(), Fault> {
        self.record("resize_server", &call);
        Ok(())
    }

    async fn confirm_resize(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        self.record("confirm_resize", &call);
        Ok(())
    }

    async fn revert_resize(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        self.record("revert_resize", &call);
        Ok(())
    }

    async fn rebuild_server(&self, call: ComputeCall<RebuildServer>) -> Result<Server, Fault> {
        self.record("rebuild_server", &call);
        let mut server = self.server(&call.input.server_id)?;
        server.admin_pass = Some(call.input.admin_pass.clone().unwrap_or("seekr3t".into()));
        if let Some(name) = &call.input.name {
            server.name = name.clone();
        }
        Ok(server)
    }

    async fn create_image(&self, call: ComputeCall<CreateImage>) -> Result<String, Fault> {
        self.record("create_image", &call);
        Ok(self.images[0].id.clone())
    }

    async fn change_password(&self, call: ComputeCall<ChangePassword>) -> Result<(), Fault> {
        self.record("change_password", &call);
        Ok(())
    }

    async fn server_metadata(
        &self,
        call: ComputeCall<String>,
    ) -> Result<BTreeMap<String, String>, Fault> {
        self.record("server_metadata", &call);
        self.server(&call.input).map(|server| server.metadata)
    }

    async fn set_server_metadata(
        &self,
        call: ComputeCall<SetServerMetadata>,
    ) -> Result<BTreeMap<String, String>, Fault> {
        self.record("set_server_metadata", &call);
        let mut metadata = self.server(&call.input.server_id)?.metadata;
        if call.input.replace {
            metadata.clear();
        }
        metadata.extend(call.input.metadata.clone());
        Ok(metadata)
    }

    async fn delete_server_metadata(
        &self,
        call: ComputeCall<ServerMetadataKey>,
    ) -> Result<(), Fault> {
        self.record("delete_server_metadata", &call);
        Ok(())
    }

    async fn list_flavors(&self, call: ComputeCall<FlavorQuery>) -> Result<Vec<Flavor>, Fault> {
        self.record("list_flavors", &call);
        Ok(self.flavors.clone())
    }

    async fn show_flavor(&self, call: ComputeCall<String>) -> Result<Flavor, Fault> {
        self.record("show_flavor", &call);
        self.flavors
            .iter()
            .find(|flavor| flavor.id == call.input)
            .cloned()
            .ok_or_else(|| Fault::not_found(format!("Flavor {} could not be found.", call.input)))
    }

    async fn list_images(&self, call: ComputeCall<ImageQuery>) -> Result<Vec<Image>, Fault> {
        self.record("list_images", &call);
        Ok(self.images.clone())
    }

    async fn show_image(&self, call: ComputeCall<String>) -> Result<Image, Fault> {
        self.record("show_image", &call);
        self.images
            .iter()
            .find(|image| image.id == call.input)
            .cloned()
            .ok_or_else(|| Fault::not_found("Image not found."))
    }

    async fn delete_image(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        self.record("delete_image", &call);
        Ok(())
    }

    async fn list_keypairs(&self, call: ComputeCall<KeyPairQuery>) -> Result<Vec<KeyPair>, Fault> {
        self.record("list_keypairs", &call);
        Ok(self.keypairs.clone())
    }

    async fn show_keypair(&self, call: ComputeCall<KeyPairRef>) -> Result<KeyPair, Fault> {
        self.record("show_keypair", &call);
        self.keypairs
            .iter()
            .find(|keypair| keypair.name == call.input.name)
            .cloned()
            .ok_or_else(|| {
                Fault::not_found(format!(
                    "Keypair {} not found for user fake",
                    call.input.name
                ))
            })
    }

    async fn create_keypair(&self, call: ComputeCall<CreateKeyPair>) -> Result<KeyPair, Fault> {
        self.record("create_keypair", &call);
        let mut keypair = self.keypairs[0].clone();
        keypair.name = call.input.name.clone();
        keypair.key_type = call.input.key_type.clone();
        match &call.input.public_key {
            Some(public_key) => keypair.public_key = public_key.clone(),
            None => keypair.private_key = Some("-----BEGIN PRIVATE KEY-----\n".into()),
        }
        Ok(keypair)
    }

    async fn delete_keypair(&self, call: ComputeCall<KeyPairRef>) -> Result<(), Fault> {
        self.record("delete_keypair", &call);
        Ok(())
    }

    async fn limits(&self, call: ComputeCall<()>) -> Result<Limits, Fault> {
        self.record("limits", &call);
        self.calls
            .lock()
            .unwrap()
            .push(format!("limits project {}", call.context.project_id));
        Ok(self.limits.clone())
    }

    async fn backup_schedule(&self, call: ComputeCall<String>) -> Result<BackupSchedule, Fault> {
        self.record("backup_schedule", &call);
        self.server(&call.input).map(|_| self.schedule)
    }

    async fn set_backup_schedule(&self, call: ComputeCall<SetBackupSchedule>) -> Result<(), Fault> {
        self.record("set_backup_schedule", &call);
        Ok(())
    }

    async fn delete_backup_schedule(&self, call: ComputeCall<String>) -> Result<(), Fault> {
        self.record("delete_backup_schedule", &call);
        Ok(())
    }

    async fn list_shared_ip_groups(
        &self,
        call: ComputeCall<()>,
    ) -> Result<Vec<SharedIpGroup>, Fault> {
        self.record("list_shared_ip_groups", &call);
        Ok(self.groups.clone())
    }

    async fn show_shared_ip_group(&self, call: ComputeCall<i64>) -> Result<SharedIpGroup, Fault> {
        self.record("show_shared_ip_group", &call);
        self.groups
            .iter()
            .find(|group| group.id == call.input)
            .cloned()
            .ok_or_else(|| Fault::not_found("Shared IP group not found"))
    }

    async fn create_shared_ip_group(
        &self,
        call: ComputeCall<CreateSharedIpGroup>,
    ) -> Result<SharedIpGroup, Fault> {
        self.record("create_shared_ip_group", &call);
        Ok(SharedIpGroup {
            id: 5678,
            name: call.input.name.clone(),
            servers: call.input.server.iter().cloned().collect(),
        })
    }

    async fn delete_shared_ip_group(&self, call: ComputeCall<i64>) -> Result<(), Fault> {
        self.record("delete_shared_ip_group", &call);
        Ok(())
    }
}

/// The sample server of Nova's `server-get-resp.json`.
pub(super) fn sample_server() -> Server {
    Server {
        id: SERVER_ID.into(),
        name: "new-server-test".into(),
        status: ServerStatus::Active,
        tenant_id: "demo".into(),
        user_id: "admin".into(),
        metadata: BTreeMap::from([("My Server Name".into(), "Apache1".into())]),
        host_id: "92154fab69d5883ba2c8622b7e65f745dd33257221c07af363c51b29".into(),
        image_id: Some(IMAGE_ID.into()),
        flavor: sample_flavor(),
        created: Some(datetime!(2013-09-03 04:01:32 UTC)),
        updated: Some(datetime!(2013-09-03 04:01:33 UTC)),
        addresses: vec![ServerNetwork {
            label: "private".into(),
            addresses: vec![
                ServerAddress {
                    addr: "192.168.1.30".into(),
                    version: 4,
                    mac_addr: "00:0c:29:0d:11:74".into(),
                    kind: AddressKind::Fixed,
                },
                ServerAddress {
                    addr: "172.24.4.10".into(),
                    version: 4,
                    mac_addr: "00:0c:29:0d:11:74".into(),
                    kind: AddressKind::Floating,
                },
            ],
        }],
        access_ipv4: "1.2.3.4".into(),
        access_ipv6: "80fe::".into(),
        key_name: None,
        availability_zone: "us-west".into(),
        security_groups: vec!["default".into()],
        vm_state: "active".into(),
        task_state: None,
        power_state: 1,
        launched_at: Some(datetime!(2013-09-23 13:37:00.880302 UTC)),
        terminated_at: None,
        volumes_attached: vec![AttachedVolume {
            id: "volume_id1".into(),
            delete_on_termination: false,
        }],
        locked: false,
        description: None,
        tags: vec!["web".into()],
        progress: 0,
        config_drive: false,
        disk_config: "AUTO".into(),
        host_attributes: ServerHostAttributes {
            host: "compute".into(),
            hypervisor_hostname: "fake-mini".into(),
            instance_name: "instance-00000001".into(),
            reservation_id: "r-00000001".into(),
            launch_index: 0,
            kernel_id: String::new(),
            ramdisk_id: String::new(),
            hostname: "new-server-test".into(),
            root_device_name: "/dev/sda".into(),
            user_data: Some("IyEvYmluL2Jhc2gK".into()),
        },
        host_status: "UP".into(),
        admin_pass: None,
    }
}

/// The sample flavor, `m1.tiny`.
pub(super) fn sample_flavor() -> Flavor {
    Flavor {
        id: "1".into(),
        name: "m1.tiny".into(),
        ram: 512,
        vcpus: 1,
        disk: 1,
        ephemeral: 0,
        swap: 0,
        rxtx_factor: 1.0,
        is_public: true,
        disabled: false,
        extra_specs: BTreeMap::from([("hw:numa_nodes".into(), "1".into())]),
        description: None,
    }
}

/// The sample image of Nova's `image-get-resp.json`.
pub(super) fn sample_image() -> Image {
    Image {
        id: IMAGE_ID.into(),
        name: "fakeimage7".into(),
        status: ImageStatus::Active,
        created: Some(datetime!(2011-01-01 01:02:03 UTC)),
        updated: Some(datetime!(2011-01-01 01:02:03 UTC)),
        min_disk: 0,
        min_ram: 0,
        progress: 100,
        size: 74185822,
        metadata: BTreeMap::from([
            ("architecture".into(), "x86_64".into()),
            ("auto_disk_config".into(), "True".into()),
        ]),
        server_id: None,
        owner: "demo".into(),
        ..Image::default()
    }
}

/// The sample key pair.
pub(super) fn sample_keypair() -> KeyPair {
    KeyPair {
        name: "keypair-1".into(),
        public_key: "ssh-rsa AAAA Generated-by-Nova\n".into(),
        fingerprint: "44:fe:29:6e:23:14:b9:53:5b:65:82:58:1c:fe:5a:c3".into(),
        key_type: "ssh".into(),
        user_id: "fake".into(),
        private_key: None,
        created_at: Some(datetime!(2014-05-07 12:06:13.681238 UTC)),
        id: 1,
    }
}

/// The limits of Nova's `limit-get-resp.json`.
pub(super) fn sample_limits() -> Limits {
    Limits {
        absolute: AbsoluteLimits {
            max_total_instances: 10,
            max_total_cores: 20,
            max_total_ram_size: 51200,
            max_total_keypairs: 100,
            max_server_meta: 128,
            max_image_meta: 128,
            max_personality: 5,
            max_personality_size: 10240,
            max_security_groups: -1,
            max_security_group_rules: -1,
            max_total_floating_ips: -1,
            max_server_groups: 10,
            max_server_group_members: 10,
            ..AbsoluteLimits::default()
        },
        rate: Vec::new(),
    }
}

/// A request to `endpoint` at `version`, by the non-administrator `fake` of project
/// `demo`, with links under `http://openstack.example.com` naming the project.
pub(super) fn request(endpoint: Endpoint, version: ApiVersion) -> ApiRequest {
    ApiRequest {
        method: Method::GET,
        context: Context {
            user_id: "fake".into(),
            project_id: "demo".into(),
            roles: vec!["member".into()],
            ..Context::default()
        },
        version,
        endpoint,
        media: MediaType::JSON,
        params: PathParams::default(),
        query: Vec::new(),
        body: None,
        links: Links {
            base: "http://openstack.example.com".into(),
            version_segment: endpoint.segment(),
            project_id: Some("demo".into()),
        },
        headers: HeaderMap::new(),
    }
}

/// A `/v2.1` request at microversion 2.`minor`.
pub(super) fn v2_1(minor: u16) -> ApiRequest {
    request(Endpoint::V2_1, ApiVersion::new(2, minor))
}

/// Builders for test requests.
pub(super) trait RequestExt {
    /// With the path parameter `name`.
    fn param(self, name: &str, value: &str) -> Self;
    /// With the query parameter `name`.
    fn query(self, name: &str, value: &str) -> Self;
    /// With the body.
    fn body(self, body: Value) -> Self;
    /// With method `method`.
    fn method(self, method: Method) -> Self;
    /// By an administrator.
    fn admin(self) -> Self;
    /// Answered in XML.
    fn xml(self) -> Self;
}

impl RequestExt for ApiRequest {
    fn param(mut self, name: &str, value: &str) -> Self {
        self.params.0.push((name.into(), value.into()));
        self
    }

    fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    fn admin(mut self) -> Self {
        self.context.roles = vec!["admin".into()];
        self
    }

    fn xml(mut self) -> Self {
        self.media = MediaType::XML;
        self
    }
}

/// The routes and actions over one recorder.
pub(super) struct Api {
    /// The recorder behind them.
    pub(super) recorder: Arc<Recorder>,
    routes: Vec<Route>,
    actions: Vec<ServerAction>,
}

impl Api {
    /// Over the sample recorder.
    pub(super) fn sample() -> Self {
        Api::over(Recorder::sample())
    }

    /// Over `recorder`.
    pub(super) fn over(recorder: Recorder) -> Self {
        let recorder = Arc::new(recorder);
        let controller: Arc<dyn ComputeController> = recorder.clone();
        Api {
            recorder,
            routes: super::routes(&controller),
            actions: super::server_actions(&controller),
        }
    }

    /// The route `method template`.
    pub(super) fn route(&self, method: &Method, template: &str) -> &Route {
        self.routes
            .iter()
            .find(|route| route.method == *method && route.template == template)
            .unwrap_or_else(|| panic!("no route {method} {template}"))
    }

    /// Calls the route `template` with the request (its method picks the route).
    pub(super) async fn call(
        &self,
        template: &str,
        request: ApiRequest,
    ) -> Result<ApiResponse, Fault> {
        let route = self.route(&request.method, template);
        assert!(
            route.availability.serves(request.endpoint, request.version),
            "{} {template} is not served at {:?} {}",
            request.method,
            request.endpoint,
            request.version
        );
        route.handler.handle(request).await
    }

    /// The action `name`.
    pub(super) fn action(&self, name: &str) -> &ServerAction {
        self.actions
            .iter()
            .find(|action| action.name == name)
            .unwrap_or_else(|| panic!("no action {name}"))
    }

    /// Runs action `name` on the sample server with `body`.
    pub(super) async fn act(&self, request: ApiRequest, body: Value) -> Result<ApiResponse, Fault> {
        let name = body
            .as_object()
            .and_then(|map| map.keys().next().cloned())
            .expect("an action body");
        let action = self.action(&name);
        assert!(
            action
                .availability
                .serves(request.endpoint, request.version)
        );
        let request = request
            .method(Method::POST)
            .param("server_id", SERVER_ID)
            .body(body);
        action.handler.handle(request).await
    }
}

/// The JSON body of a response.
pub(super) fn json_body(response: &ApiResponse) -> &Value {
    match &response.body {
        ResponseBody::Json(value) => value,
        other => panic!("not JSON: {other:?}"),
    }
}

/// The XML document of a response, with the namespace of `/v1.0` or `/v1.1`.
pub(super) fn xml_document(response: &ApiResponse, endpoint: Endpoint) -> String {
    let namespace = if endpoint == Endpoint::V1_0 {
        XMLNS_V10
    } else {
        XMLNS_V11
    };
    match &response.body {
        ResponseBody::Xml(element) => element.to_document(namespace),
        other => panic!("not XML: {other:?}"),
    }
}

/// The `Location` header.
pub(super) fn location(response: &ApiResponse) -> Option<&str> {
    response
        .headers
        .get(http::header::LOCATION)
        .and_then(|value| value.to_str().ok())
}
