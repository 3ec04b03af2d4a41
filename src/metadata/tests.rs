//! The metadata service's rules, one test each, with exact statuses and bodies.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use time::macros::datetime;

use super::*;
use crate::core::{Body, ManualClock};

const SECRET: &[u8] = b"proxy-secret";
const INSTANCE: &str = "i-0123456789abcdef0";
const OTHER_INSTANCE: &str = "i-0fedcba9876543210";

fn instance() -> InstanceMetadata {
    InstanceMetadata {
        instance_id: INSTANCE.into(),
        uuid: "5d9b8a0e-1c2f-4a3b-8c4d-5e6f7a8b9c0d".into(),
        meta: [("role".to_owned(), "web \"blue\"".to_owned())].into(),
        project_id: "tenant-a".into(),
        account_id: "123456789012".into(),
        name: "web-1".into(),
        hostname: "ip-172-31-0-4.ec2.internal".into(),
        public_hostname: Some("ec2-3-80-0-9.compute-1.amazonaws.com".into()),
        image_id: "ami-0abcdef1234567890".into(),
        kernel_id: None,
        ramdisk_id: None,
        launch_index: 0,
        reservation_id: "r-0123456789abcdef0".into(),
        instance_type: "t2.micro".into(),
        architecture: "x86_64".into(),
        availability_zone: "us-east-1a".into(),
        region: "us-east-1".into(),
        interface: Some(NetworkInterface {
            id: "eni-0123456789abcdef0".into(),
            mac: "0a:1b:2c:3d:4e:5f".into(),
            network_id: "subnet-0123456789abcdef0".into(),
            address: Ipv4Addr::new(172, 31, 0, 4),
            prefix_len: 20,
            gateway: Some(Ipv4Addr::new(172, 31, 0, 1)),
        }),
        public_ipv4: Some(Ipv4Addr::new(3, 80, 0, 9)),
        security_groups: vec!["default".into(), "web".into()],
        public_keys: vec![PublicKey {
            name: "mykey".into(),
            openssh_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB mykey".into(),
        }],
        block_device_mapping: vec![
            ("ami".into(), "/dev/xvda".into()),
            ("root".into(), "/dev/xvda".into()),
            ("ebs1".into(), "sdf".into()),
        ],
        user_data: Some(Bytes::from_static(b"#!/bin/sh\necho hi\n")),
        password: None,
        launch_time: Some(datetime!(2026-01-02 03:04:05 UTC)),
        tokens_required: false,
        iam: None,
    }
}

fn other_instance() -> InstanceMetadata {
    InstanceMetadata {
        instance_id: OTHER_INSTANCE.into(),
        project_id: "tenant-b".into(),
        ..instance()
    }
}

/// Two instances: `10.0.0.5` and `10.0.0.6`; counts lookups and keeps passwords.
#[derive(Default)]
struct Stub {
    lookups: AtomicUsize,
    passwords: Mutex<HashMap<String, String>>,
    failing: bool,
    keeps_passwords: bool,
    edit: Option<fn(&mut InstanceMetadata)>,
}

impl Stub {
    fn with_passwords() -> Self {
        Stub {
            keeps_passwords: true,
            ..Stub::default()
        }
    }

    fn found(&self, mut found: InstanceMetadata) -> Option<InstanceMetadata> {
        if let Some(edit) = self.edit {
            edit(&mut found);
        }
        let passwords = self.passwords.lock().unwrap();
        found.password = passwords.get(&found.instance_id).cloned();
        Some(found)
    }
}

#[async_trait]
impl MetadataProvider for Stub {
    async fn instance_by_address(
        &self,
        address: IpAddr,
    ) -> Result<Option<InstanceMetadata>, ProviderError> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        if self.failing {
            return Err(ProviderError("database down".into()));
        }
        Ok(match address.to_string().as_str() {
            "10.0.0.5" => self.found(instance()),
            "10.0.0.6" => self.found(other_instance()),
            _ => None,
        })
    }

    async fn instance_by_id(
        &self,
        instance_id: &str,
        project_id: &str,
    ) -> Result<Option<InstanceMetadata>, ProviderError> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        // Returns the instance whatever the project, so the service's own check shows.
        let _ = project_id;
        Ok(match instance_id {
            INSTANCE => self.found(instance()),
            OTHER_INSTANCE => self.found(other_instance()),
            _ => None,
        })
    }

    async fn set_password(&self, instance_id: &str, password: &str) -> Result<(), PasswordError> {
        if !self.keeps_passwords {
            return Err(PasswordError::Unsupported);
        }
        let mut passwords = self.passwords.lock().unwrap();
        if passwords.contains_key(instance_id) {
            return Err(PasswordError::AlreadySet);
        }
        passwords.insert(instance_id.to_owned(), password.to_owned());
        Ok(())
    }
}

struct Harness {
    service: MetadataService,
    stub: Arc<Stub>,
    clock: Arc<ManualClock>,
}

fn harness_with(
    stub: Stub,
    edit: impl FnOnce(MetadataServiceBuilder) -> MetadataServiceBuilder,
) -> Harness {
    let stub = Arc::new(stub);
    let clock = Arc::new(ManualClock::new(datetime!(2026-03-04 05:06:07 UTC)));
    let builder = MetadataService::builder(stub.clone())
        .shared_secret(SECRET)
        .clock(clock.clone());
    let service = edit(builder).build_with_key(TokenKey::fixed([7; 32]));
    Harness {
        service,
        stub,
        clock,
    }
}

fn harness() -> Harness {
    harness_with(Stub::default(), |builder| builder)
}

/// A request from `from` (no remote address when `None`).
fn request(method: &str, path: &str, from: Option<&str>, headers: &[(&str, &str)]) -> Request {
    let mut builder = http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut request = builder.body(Body::empty()).unwrap();
    if let Some(from) = from {
        let address: SocketAddr = format!("{from}:40000").parse().unwrap();
        request.extensions_mut().insert(RemoteAddr(address));
    }
    request
}

struct Answer {
    status: u16,
    body: Vec<u8>,
    content_type: String,
    headers: http::HeaderMap,
}

impl Answer {
    fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }

    fn assert(&self, status: u16, body: &str) {
        assert_eq!((self.status, self.text()), (status, body));
    }
}

impl Harness {
    async fn send(&self, request: Request) -> Answer {
        let response = self.service.call(request).await.unwrap();
        Answer {
            status: response.status().as_u16(),
            content_type: response.headers()[http::header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_owned(),
            headers: response.headers().clone(),
            body: response.body().as_bytes().to_vec(),
        }
    }

    /// `GET path` from the first instance's address.
    async fn get(&self, path: &str) -> Answer {
        self.send(request("GET", path, Some("10.0.0.5"), &[])).await
    }

    async fn token(&self, from: &str, ttl: &str) -> String {
        let answer = self
            .send(request(
                "PUT",
                "/latest/api/token",
                Some(from),
                &[(TTL_HEADER, ttl)],
            ))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text());
        answer.text().to_owned()
    }
}

const VERSION_LIST: &str = "1.0\n2007-01-19\n2007-03-01\n2007-08-29\n2007-10-10\n2007-12-15\n\
                            2008-02-01\n2008-09-01\n2009-04-04\nlatest";

// The EC2 tree

#[tokio::test]
async fn root_lists_the_versions_without_asking_who_calls() {
    let h = harness();
    let answer = h.send(request("GET", "/", None, &[])).await;
    answer.assert(200, VERSION_LIST);
    assert_eq!(answer.content_type, "text/plain");
    assert_eq!(h.stub.lookups.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_version_lists_meta_data_dynamic_and_user_data() {
    let h = harness();
    h.get("/latest/")
        .await
        .assert(200, "dynamic/\nmeta-data/\nuser-data");
    h.get("/latest")
        .await
        .assert(200, "dynamic/\nmeta-data/\nuser-data");
    h.get("/2009-04-04/")
        .await
        .assert(200, "dynamic/\nmeta-data/\nuser-data");
    h.get("/1.0/").await.assert(200, "meta-data/\nuser-data");
}

#[tokio::test]
async fn a_version_without_user_data_does_not_list_it() {
    let stub = Stub {
        edit: Some(|instance| instance.user_data = None),
        ..Stub::default()
    };
    let h = harness_with(stub, |builder| builder);
    h.get("/latest/").await.assert(200, "dynamic/\nmeta-data/");
    h.get("/latest/user-data").await.assert(404, "Not Found");
}

#[tokio::test]
async fn latest_meta_data_lists_every_key_with_sub_trees_ending_in_a_slash() {
    harness().get("/latest/meta-data/").await.assert(
        200,
        "ami-id\nami-launch-index\nami-manifest-path\nblock-device-mapping/\nhostname\niam/\n\
         instance-action\ninstance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\nmac\n\
         placement/\npublic-hostname\npublic-ipv4\npublic-keys/\nreservation-id\n\
         security-groups",
    );
}

#[tokio::test]
async fn each_version_lists_only_the_keys_it_introduced() {
    let h = harness();
    h.get("/1.0/meta-data/").await.assert(
        200,
        "ami-id\nami-launch-index\nami-manifest-path\nhostname\ninstance-id\nlocal-ipv4\n\
         public-keys/\nreservation-id\nsecurity-groups",
    );
    h.get("/2007-01-19/meta-data/").await.assert(
        200,
        "ami-id\nami-launch-index\nami-manifest-path\nhostname\ninstance-id\nlocal-hostname\n\
         local-ipv4\npublic-hostname\npublic-ipv4\npublic-keys/\nreservation-id\n\
         security-groups",
    );
    h.get("/2007-12-15/meta-data/").await.assert(
        200,
        "ami-id\nami-launch-index\nami-manifest-path\nblock-device-mapping/\nhostname\n\
         instance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\npublic-hostname\n\
         public-ipv4\npublic-keys/\nreservation-id\nsecurity-groups",
    );
    h.get("/2009-04-04/meta-data/").await.assert(
        200,
        "ami-id\nami-launch-index\nami-manifest-path\nblock-device-mapping/\nhostname\n\
         instance-action\ninstance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\n\
         placement/\npublic-hostname\npublic-ipv4\npublic-keys/\nreservation-id\n\
         security-groups",
    );
    h.get("/2009-04-04/meta-data/placement/")
        .await
        .assert(200, "availability-zone");
    h.get("/2009-04-04/meta-data/placement/region")
        .await
        .assert(404, "Not Found");
    h.get("/2009-04-04/meta-data/mac")
        .await
        .assert(404, "Not Found");
}

#[tokio::test]
async fn meta_data_values_are_plain_text() {
    let h = harness();
    let cases = [
        ("ami-id", "ami-0abcdef1234567890"),
        ("ami-launch-index", "0"),
        ("ami-manifest-path", "(unknown)"),
        ("instance-id", INSTANCE),
        ("hostname", "ip-172-31-0-4.ec2.internal"),
        ("local-hostname", "ip-172-31-0-4.ec2.internal"),
        ("local-ipv4", "172.31.0.4"),
        ("public-hostname", "ec2-3-80-0-9.compute-1.amazonaws.com"),
        ("public-ipv4", "3.80.0.9"),
        ("reservation-id", "r-0123456789abcdef0"),
        ("security-groups", "default\nweb"),
        ("instance-type", "t2.micro"),
        ("instance-action", "none"),
        ("mac", "0a:1b:2c:3d:4e:5f"),
        ("placement/", "availability-zone\nregion"),
        ("placement/availability-zone", "us-east-1a"),
        ("placement/region", "us-east-1"),
        ("block-device-mapping/", "ami\nebs1\nroot"),
        ("block-device-mapping/ami", "/dev/xvda"),
        ("block-device-mapping/root", "/dev/xvda"),
        ("block-device-mapping/ebs1", "sdf"),
    ];
    for (key, value) in cases {
        let answer = h.get(&format!("/latest/meta-data/{key}")).await;
        assert_eq!((key, answer.status, answer.text()), (key, 200, value));
        assert_eq!(answer.content_type, "text/plain");
    }
}

#[tokio::test]
async fn public_keys_list_index_and_name_then_the_openssh_key() {
    let h = harness();
    h.get("/latest/meta-data/public-keys/")
        .await
        .assert(200, "0=mykey");
    h.get("/latest/meta-data/public-keys/0/")
        .await
        .assert(200, "openssh-key");
    h.get("/latest/meta-data/public-keys/0/openssh-key")
        .await
        .assert(200, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB mykey");
    h.get("/latest/meta-data/public-keys/1/")
        .await
        .assert(404, "Not Found");
}

#[tokio::test]
async fn kernel_and_ramdisk_show_when_the_instance_has_them() {
    let stub = Stub {
        edit: Some(|instance| {
            instance.kernel_id = Some("aki-12345678".into());
            instance.ramdisk_id = Some("ari-12345678".into());
        }),
        ..Stub::default()
    };
    let h = harness_with(stub, |builder| builder);
    h.get("/latest/meta-data/kernel-id")
        .await
        .assert(200, "aki-12345678");
    h.get("/latest/meta-data/ramdisk-id")
        .await
        .assert(200, "ari-12345678");
    h.get("/2007-08-29/meta-data/kernel-id")
        .await
        .assert(404, "Not Found");
}

#[tokio::test]
async fn iam_is_empty_without_credentials() {
    let h = harness();
    let answer = h.get("/latest/meta-data/iam/").await;
    answer.assert(200, "");
    assert_eq!(answer.content_type, "text/plain");
    h.get("/latest/meta-data/iam/info")
        .await
        .assert(404, "Not Found");
}

#[tokio::test]
async fn iam_serves_the_hosts_role_credentials() {
    let stub = Stub {
        edit: Some(|instance| {
            instance.iam = Some(IamCredentials {
                instance_profile_arn: "arn:aws:iam::123456789012:instance-profile/web".into(),
                instance_profile_id: "AIPAEXAMPLE".into(),
                role_name: "web-role".into(),
                access_key_id: "ASIAEXAMPLE".into(),
                secret_access_key: "secret".into(),
                token: "session".into(),
                last_updated: datetime!(2026-01-02 03:04:05 UTC),
                expiration: datetime!(2026-01-02 09:04:05 UTC),
            })
        }),
        ..Stub::default()
    };
    let h = harness_with(stub, |builder| builder);
    h.get("/latest/meta-data/iam/")
        .await
        .assert(200, "info\nsecurity-credentials/");
    h.get("/latest/meta-data/iam/security-credentials/")
        .await
        .assert(200, "web-role");
    h.get("/latest/meta-data/iam/info").await.assert(
        200,
        "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2026-01-02T03:04:05Z\",\n  \
         \"InstanceProfileArn\" : \"arn:aws:iam::123456789012:instance-profile/web\",\n  \
         \"InstanceProfileId\" : \"AIPAEXAMPLE\"\n}",
    );
    h.get("/latest/meta-data/iam/security-credentials/web-role")
        .await
        .assert(
            200,
            "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2026-01-02T03:04:05Z\",\n  \
         \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"ASIAEXAMPLE\",\n  \
         \"SecretAccessKey\" : \"secret\",\n  \"Token\" : \"session\",\n  \
         \"Expiration\" : \"2026-01-02T09:04:05Z\"\n}",
        );
}

#[tokio::test]
async fn the_identity_document_is_laid_out_as_ec2_serves_it() {
    let h = harness();
    h.get("/latest/dynamic/")
        .await
        .assert(200, "instance-identity/");
    h.get("/latest/dynamic/instance-identity/")
        .await
        .assert(200, "document");
    h.get("/latest/dynamic/instance-identity/document")
        .await
        .assert(
            200,
            "{\n  \"accountId\" : \"123456789012\",\n  \"architecture\" : \"x86_64\",\n  \
         \"availabilityZone\" : \"us-east-1a\",\n  \"billingProducts\" : null,\n  \
         \"devpayProductCodes\" : null,\n  \"marketplaceProductCodes\" : null,\n  \
         \"imageId\" : \"ami-0abcdef1234567890\",\n  \
         \"instanceId\" : \"i-0123456789abcdef0\",\n  \"instanceType\" : \"t2.micro\",\n  \
         \"kernelId\" : null,\n  \"pendingTime\" : \"2026-01-02T03:04:05Z\",\n  \
         \"privateIp\" : \"172.31.0.4\",\n  \"ramdiskId\" : null,\n  \
         \"region\" : \"us-east-1\",\n  \"version\" : \"2017-09-30\"\n}",
        );
    h.get("/2008-09-01/dynamic/").await.assert(404, "Not Found");
}

#[tokio::test]
async fn unknown_paths_are_404_in_plain_text() {
    let h = harness();
    for path in [
        "/latest/meta-data/nothing",
        "/2010-01-01/meta-data/",
        "/latest/meta-data/instance-id/more",
        "/latest/../latest/meta-data/",
        "/latest/meta-data/./instance-id",
        "/openstack/2011-01-01/",
        "/openstack/latest/nothing.json",
    ] {
        let answer = h.get(path).await;
        assert_eq!(
            (path, answer.status, answer.text()),
            (path, 404, "Not Found")
        );
        assert_eq!(answer.content_type, "text/plain");
    }
}

#[tokio::test]
async fn binary_user_data_is_served_byte_for_byte() {
    let stub = Stub {
        edit: Some(|instance| {
            instance.user_data = Some(Bytes::from_static(&[0x1f, 0x8b, 0x00, 0xff, 0xfe]))
        }),
        ..Stub::default()
    };
    let h = harness_with(stub, |builder| builder);
    let answer = h.get("/latest/user-data").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, [0x1f, 0x8b, 0x00, 0xff, 0xfe]);
    assert_eq!(answer.content_type, "application/octet-stream");
    let answer = h.get("/openstack/latest/user_data").await;
    assert_eq!(answer.body, [0x1f, 0x8b, 0x00, 0xff, 0xfe]);
}

#[tokio::test]
async fn under_a_url_map_prefix_the_tree_starts_below_it() {
    let h = harness();
    let service: Arc<dyn Application> = Arc::new(h.service);
    let map = crate::core::UrlMap::new().mount("/metadata", service);
    let response = map
        .call(request(
            "GET",
            "/metadata/latest/meta-data/instance-id",
            Some("10.0.0.5"),
            &[],
        ))
        .await
        .unwrap();
    assert_eq!(response.body().as_bytes(), INSTANCE.as_bytes());
}

#[tokio::test]
async fn head_answers_like_get() {
    let h = harness();
    let answer = h
        .send(request(
            "HEAD",
            "/latest/meta-data/instance-id",
            Some("10.0.0.5"),
            &[],
        ))
        .await;
    assert_eq!(
        (answer.status, answer.content_type.as_str()),
        (200, "text/plain")
    );
}

#[tokio::test]
async fn methods_other_than_get_are_405() {
    let h = harness();
    for (method, path) in [
        ("DELETE", "/latest/meta-data/"),
        ("POST", "/latest/meta-data/instance-id"),
        ("PUT", "/latest/meta-data/"),
        ("GET", "/latest/api/token"),
        ("POST", "/openstack/latest/meta_data.json"),
    ] {
        let answer = h.send(request(method, path, Some("10.0.0.5"), &[])).await;
        assert_eq!(
            (path, answer.status, answer.text()),
            (path, 405, "Method Not Allowed")
        );
    }
}

// The OpenStack tree

#[tokio::test]
async fn openstack_lists_its_versions_and_latest() {
    let h = harness();
    let versions = "2012-08-10\n2013-04-04\n2013-10-17\n2015-10-15\n2016-06-30\n2016-10-06\n\
                    2017-02-22\n2018-08-27\n2020-10-14\nlatest";
    h.get("/openstack").await.assert(200, versions);
    h.get("/openstack/").await.assert(200, versions);
}

#[tokio::test]
async fn openstack_versions_list_the_files_they_introduced() {
    let h = harness();
    h.get("/openstack/latest/").await.assert(
        200,
        "meta_data.json\nuser_data\npassword\nvendor_data.json\nnetwork_data.json",
    );
    h.get("/openstack/2012-08-10/")
        .await
        .assert(200, "meta_data.json\nuser_data");
    h.get("/openstack/2013-10-17/")
        .await
        .assert(200, "meta_data.json\nuser_data\npassword\nvendor_data.json");
    h.get("/openstack/2013-10-17/network_data.json")
        .await
        .assert(404, "Not Found");
}

#[tokio::test]
async fn meta_data_json_carries_the_instance_and_its_keys() {
    let h = harness();
    let answer = h.get("/openstack/latest/meta_data.json").await;
    answer.assert(
        200,
        "{\"uuid\": \"5d9b8a0e-1c2f-4a3b-8c4d-5e6f7a8b9c0d\", \
         \"meta\": {\"role\": \"web \\\"blue\\\"\"}, \
         \"public_keys\": {\"mykey\": \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB mykey\"}, \
         \"keys\": [{\"name\": \"mykey\", \"type\": \"ssh\", \
         \"data\": \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB mykey\"}], \
         \"hostname\": \"ip-172-31-0-4.ec2.internal\", \"name\": \"web-1\", \
         \"launch_index\": 0, \"availability_zone\": \"us-east-1a\", \
         \"project_id\": \"tenant-a\"}",
    );
    assert_eq!(answer.content_type, "application/json");
    h.get("/openstack/2012-08-10/meta_data.json").await.assert(
        200,
        "{\"uuid\": \"5d9b8a0e-1c2f-4a3b-8c4d-5e6f7a8b9c0d\", \
         \"meta\": {\"role\": \"web \\\"blue\\\"\"}, \
         \"public_keys\": {\"mykey\": \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB mykey\"}, \
         \"hostname\": \"ip-172-31-0-4.ec2.internal\", \"name\": \"web-1\", \
         \"launch_index\": 0, \"availability_zone\": \"us-east-1a\"}",
    );
}

#[tokio::test]
async fn network_data_json_describes_the_primary_interface() {
    harness().get("/openstack/latest/network_data.json").await.assert(
        200,
        "{\"links\": [{\"id\": \"eni-0123456789abcdef0\", \"vif_id\": \"eni-0123456789abcdef0\", \
         \"type\": \"phy\", \"mtu\": null, \"ethernet_mac_address\": \"0a:1b:2c:3d:4e:5f\"}], \
         \"networks\": [{\"id\": \"network0\", \"type\": \"ipv4\", \
         \"link\": \"eni-0123456789abcdef0\", \"ip_address\": \"172.31.0.4\", \
         \"netmask\": \"255.255.240.0\", \"routes\": [{\"network\": \"0.0.0.0\", \
         \"netmask\": \"0.0.0.0\", \"gateway\": \"172.31.0.1\"}], \
         \"network_id\": \"subnet-0123456789abcdef0\"}], \"services\": []}",
    );
}

#[tokio::test]
async fn vendor_data_is_an_empty_object_and_user_data_is_raw() {
    let h = harness();
    h.get("/openstack/latest/vendor_data.json")
        .await
        .assert(200, "{}");
    h.get("/openstack/latest/user_data")
        .await
        .assert(200, "#!/bin/sh\necho hi\n");
}

// Passwords

fn post_password(body: impl Into<Body>) -> Request {
    let mut request = request("POST", "/openstack/latest/password", Some("10.0.0.5"), &[]);
    *request.body_mut() = body.into();
    request
}

#[tokio::test]
async fn a_password_is_posted_once_then_409() {
    let h = harness_with(Stub::with_passwords(), |builder| builder);
    h.get("/openstack/latest/password").await.assert(200, "");
    h.send(post_password("c2VjcmV0")).await.assert(200, "");
    h.get("/openstack/latest/password")
        .await
        .assert(200, "c2VjcmV0");
    h.send(post_password("other"))
        .await
        .assert(409, "The instance already has a password.");
}

#[tokio::test]
async fn a_password_over_four_chunks_of_255_bytes_is_400() {
    let h = harness_with(Stub::with_passwords(), |builder| builder);
    h.send(post_password("x".repeat(1021)))
        .await
        .assert(400, "The password is longer than 1020 bytes.");
    h.send(post_password("x".repeat(1020)))
        .await
        .assert(200, "");
}

#[tokio::test]
async fn a_password_that_is_not_text_is_400() {
    let h = harness_with(Stub::with_passwords(), |builder| builder);
    h.send(post_password(vec![0xff, 0xfe]))
        .await
        .assert(400, "The password is not UTF-8 text.");
}

#[tokio::test]
async fn passwords_exist_from_grizzly_on() {
    let h = harness_with(Stub::with_passwords(), |builder| builder);
    let mut request = post_password("x");
    *request.uri_mut() = "/openstack/2012-08-10/password".parse().unwrap();
    h.send(request).await.assert(404, "Not Found");
}

#[tokio::test]
async fn a_host_that_keeps_no_passwords_answers_501() {
    harness()
        .send(post_password("x"))
        .await
        .assert(501, "This cloud keeps no instance passwords.");
}

#[tokio::test]
async fn a_body_past_the_adapters_cap_is_413() {
    let h = harness_with(Stub::with_passwords(), |builder| builder);
    let mut request = post_password("");
    request
        .extensions_mut()
        .insert(BodyLimitExceeded { limit: 16 });
    h.send(request)
        .await
        .assert(413, "The request body is too large.");
}

// Sessions

#[tokio::test]
async fn a_token_request_echoes_the_ttl_and_the_token_opens_the_tree() {
    let h = harness();
    let answer = h
        .send(request(
            "PUT",
            "/latest/api/token",
            Some("10.0.0.5"),
            &[(TTL_HEADER, "21600")],
        ))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers[TTL_HEADER], "21600");
    assert_eq!(answer.content_type, "text/plain");
    assert_eq!(answer.body.len(), 75);
    let token = answer.text();
    h.send(request(
        "GET",
        "/latest/meta-data/instance-id",
        Some("10.0.0.5"),
        &[(TOKEN_HEADER, token)],
    ))
    .await
    .assert(200, INSTANCE);
}

#[tokio::test]
async fn a_token_ttl_missing_or_outside_1_to_21600_is_400() {
    let h = harness();
    let message = "X-aws-ec2-metadata-token-ttl-seconds must be a whole number from 1 to 21600.";
    let no_ttl = request("PUT", "/latest/api/token", Some("10.0.0.5"), &[]);
    h.send(no_ttl).await.assert(400, message);
    for ttl in [
        "0",
        "21601",
        "-1",
        "abc",
        "",
        "1.5",
        "99999999999999999999999",
    ] {
        let answer = h
            .send(request(
                "PUT",
                "/latest/api/token",
                Some("10.0.0.5"),
                &[(TTL_HEADER, ttl)],
            ))
            .await;
        assert_eq!((ttl, answer.status, answer.text()), (ttl, 400, message));
    }
    assert_eq!(h.token("10.0.0.5", "1").await.len(), 75);
}

#[tokio::test]
async fn a_forwarded_token_request_is_403() {
    let h = harness_with(Stub::default(), |builder| builder.trust_forwarded_for(true));
    let headers = [(TTL_HEADER, "60"), ("x-forwarded-for", "10.0.0.5")];
    h.send(request(
        "PUT",
        "/latest/api/token",
        Some("10.0.0.5"),
        &headers,
    ))
    .await
    .assert(403, "Token requests may not pass through a proxy.");
}

#[tokio::test]
async fn an_invalid_token_is_401_even_where_tokens_are_optional() {
    let h = harness();
    for token in ["not-a-token", "AAAA", ""] {
        let answer = h
            .send(request(
                "GET",
                "/latest/meta-data/instance-id",
                Some("10.0.0.5"),
                &[(TOKEN_HEADER, token)],
            ))
            .await;
        assert_eq!(
            (token, answer.status, answer.text()),
            (token, 401, "Unauthorized")
        );
    }
    let bogus = request("GET", "/", Some("10.0.0.5"), &[(TOKEN_HEADER, "bogus")]);
    h.send(bogus).await.assert(401, "Unauthorized");
}

#[tokio::test]
async fn an_expired_token_is_401() {
    let h = harness();
    let token = h.token("10.0.0.5", "60").await;
    let get = || {
        request(
            "GET",
            "/latest/meta-data/instance-id",
            Some("10.0.0.5"),
            &[(TOKEN_HEADER, &token)],
        )
    };
    h.clock.advance(time::Duration::seconds(59));
    h.send(get()).await.assert(200, INSTANCE);
    h.clock.advance(time::Duration::seconds(1));
    h.send(get()).await.assert(401, "Unauthorized");
}

#[tokio::test]
async fn a_token_works_only_for_the_instance_it_was_issued_to() {
    let h = harness();
    let token = h.token("10.0.0.6", "60").await;
    let mine = request(
        "GET",
        "/latest/meta-data/instance-id",
        Some("10.0.0.6"),
        &[(TOKEN_HEADER, &token)],
    );
    h.send(mine).await.assert(200, OTHER_INSTANCE);
    let theirs = request(
        "GET",
        "/latest/meta-data/instance-id",
        Some("10.0.0.5"),
        &[(TOKEN_HEADER, &token)],
    );
    h.send(theirs).await.assert(401, "Unauthorized");
}

#[tokio::test]
async fn required_tokens_make_a_request_without_one_401() {
    let h = harness_with(Stub::default(), |builder| builder.require_tokens(true));
    h.get("/latest/meta-data/instance-id")
        .await
        .assert(401, "Unauthorized");
    h.send(request("GET", "/", Some("10.0.0.5"), &[]))
        .await
        .assert(401, "Unauthorized");
    let token = h.token("10.0.0.5", "60").await;
    let with_token = request("GET", "/", Some("10.0.0.5"), &[(TOKEN_HEADER, &token)]);
    h.send(with_token).await.assert(200, VERSION_LIST);
}

#[tokio::test]
async fn an_instance_that_requires_tokens_gets_401_without_one() {
    let stub = Stub {
        edit: Some(|instance| instance.tokens_required = true),
        ..Stub::default()
    };
    let h = harness_with(stub, |builder| builder);
    h.get("/latest/meta-data/instance-id")
        .await
        .assert(401, "Unauthorized");
}

#[tokio::test]
async fn through_a_signing_proxy_an_instance_that_requires_tokens_reads_without_one() {
    let stub = Stub {
        edit: Some(|instance| instance.tokens_required = true),
        ..Stub::default()
    };
    let h = harness_with(stub, |builder| builder);
    let signature = instance_id_signature(SECRET, INSTANCE);
    h.send(signed(INSTANCE, "tenant-a", &signature))
        .await
        .assert(200, INSTANCE);
    let mut bad_token = signed(INSTANCE, "tenant-a", &signature);
    bad_token
        .headers_mut()
        .insert(TOKEN_HEADER, http::HeaderValue::from_static("not-a-token"));
    h.send(bad_token).await.assert(401, "Unauthorized");

    let required = harness_with(Stub::default(), |builder| builder.require_tokens(true));
    required
        .send(signed(INSTANCE, "tenant-a", &signature))
        .await
        .assert(401, "Unauthorized");
}

// Who is asking

#[tokio::test]
async fn an_address_no_instance_holds_is_404() {
    let h = harness();
    h.send(request("GET", "/latest/meta-data/", Some("10.9.9.9"), &[]))
        .await
        .assert(404, "Not Found");
    h.send(request("GET", "/latest/meta-data/", None, &[]))
        .await
        .assert(404, "Not Found");
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_trusted() {
    let h = harness();
    let forwarded = [("x-forwarded-for", "10.0.0.6")];
    let answer = h
        .send(request(
            "GET",
            "/latest/meta-data/instance-id",
            Some("10.0.0.5"),
            &forwarded,
        ))
        .await;
    answer.assert(200, INSTANCE);
}

#[tokio::test]
async fn trusted_forwarded_for_names_the_caller_by_its_last_address() {
    let h = harness_with(Stub::default(), |builder| builder.trust_forwarded_for(true));
    let forwarded = [("x-forwarded-for", "10.0.0.5, 10.0.0.6")];
    h.send(request(
        "GET",
        "/latest/meta-data/instance-id",
        Some("192.0.2.1"),
        &forwarded,
    ))
    .await
    .assert(200, OTHER_INSTANCE);
    let bad = [("x-forwarded-for", "10.0.0.5, not-an-address")];
    h.send(request(
        "GET",
        "/latest/meta-data/instance-id",
        Some("192.0.2.1"),
        &bad,
    ))
    .await
    .assert(400, "X-Forwarded-For does not end in an IP address.");
}

fn signed(instance_id: &str, tenant: &str, signature: &str) -> Request {
    request(
        "GET",
        "/latest/meta-data/instance-id",
        Some("192.0.2.1"),
        &[
            ("x-instance-id", instance_id),
            ("x-tenant-id", tenant),
            ("x-instance-id-signature", signature),
        ],
    )
}

#[tokio::test]
async fn signed_headers_name_the_instance() {
    let h = harness();
    let signature = instance_id_signature(SECRET, INSTANCE);
    assert_eq!(signature.len(), 64);
    h.send(signed(INSTANCE, "tenant-a", &signature))
        .await
        .assert(200, INSTANCE);
    let upper = signature.to_uppercase();
    h.send(signed(INSTANCE, "tenant-a", &upper))
        .await
        .assert(200, INSTANCE);
}

#[tokio::test]
async fn a_missing_signed_header_is_400() {
    let h = harness();
    let signature = instance_id_signature(SECRET, INSTANCE);
    let cases = [
        ("x-instance-id", "The request has no X-Instance-ID header."),
        ("x-tenant-id", "The request has no X-Tenant-ID header."),
        (
            "x-instance-id-signature",
            "The request has no X-Instance-ID-Signature header.",
        ),
    ];
    for (left_out, message) in cases {
        let mut request = signed(INSTANCE, "tenant-a", &signature);
        request.headers_mut().remove(left_out);
        h.send(request).await.assert(400, message);
    }
    let mut twice = signed(INSTANCE, "tenant-a", &signature);
    twice
        .headers_mut()
        .append("x-tenant-id", http::HeaderValue::from_static("tenant-b"));
    h.send(twice).await.assert(
        400,
        "The request needs exactly one text X-Tenant-ID header.",
    );
}

#[tokio::test]
async fn a_bad_signature_is_403() {
    let h = harness();
    let wrong_secret = instance_id_signature(b"guess", INSTANCE);
    let other_id = instance_id_signature(SECRET, OTHER_INSTANCE);
    for signature in [wrong_secret.as_str(), other_id.as_str(), "zz", "00"] {
        h.send(signed(INSTANCE, "tenant-a", signature))
            .await
            .assert(403, "The X-Instance-ID-Signature does not match.");
    }
    assert_eq!(h.stub.lookups.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_tenant_that_does_not_own_the_instance_is_404() {
    let h = harness();
    let signature = instance_id_signature(SECRET, INSTANCE);
    h.send(signed(INSTANCE, "tenant-b", &signature))
        .await
        .assert(404, "Not Found");
    let unknown = instance_id_signature(SECRET, "i-00000000000000000");
    h.send(signed("i-00000000000000000", "tenant-a", &unknown))
        .await
        .assert(404, "Not Found");
}

#[tokio::test]
async fn signed_headers_without_a_shared_secret_are_400() {
    let stub = Arc::new(Stub::default());
    let service = MetadataService::builder(stub).build();
    let signature = instance_id_signature(SECRET, INSTANCE);
    let response = service
        .call(signed(INSTANCE, "tenant-a", &signature))
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.body().as_bytes(),
        b"Signed instance headers are not accepted: no shared secret is set."
    );
}

#[tokio::test]
async fn a_failing_provider_is_500() {
    let stub = Stub {
        failing: true,
        ..Stub::default()
    };
    let h = harness_with(stub, |builder| builder);
    h.get("/latest/meta-data/")
        .await
        .assert(500, "The instance could not be looked up; try again.");
}

// The lookup cache

#[tokio::test]
async fn lookups_are_cached_for_the_configured_time() {
    let h = harness_with(Stub::default(), |builder| {
        builder.cache_ttl(std::time::Duration::from_secs(15))
    });
    h.get("/latest/meta-data/instance-id")
        .await
        .assert(200, INSTANCE);
    h.clock.advance(time::Duration::seconds(14));
    h.get("/latest/meta-data/instance-id")
        .await
        .assert(200, INSTANCE);
    assert_eq!(h.stub.lookups.load(Ordering::SeqCst), 1);
    h.clock.advance(time::Duration::seconds(1));
    h.get("/latest/meta-data/instance-id")
        .await
        .assert(200, INSTANCE);
    assert_eq!(h.stub.lookups.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_zero_cache_time_looks_up_every_request() {
    let h = harness_with(Stub::default(), |builder| {
        builder.cache_ttl(std::time::Duration::ZERO)
    });
    h.get("/latest/meta-data/instance-id").await;
    h.get("/latest/meta-data/instance-id").await;
    assert_eq!(h.stub.lookups.load(Ordering::SeqCst), 2);
}

#[test]
fn instance_metadata_debug_hides_user_data_and_password() {
    let mut shown = instance();
    shown.password = Some("hunter2".into());
    let text = format!("{shown:?}");
    assert!(!text.contains("echo hi"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains(INSTANCE));
}
