//! A signed request for any action with fuzzed parameters, through the whole EC2 chain
//! in process: the answer must be well-formed XML with a status the protocol allows.

#![no_main]

use std::sync::{LazyLock, Mutex};

use arbitrary::Arbitrary;
use cumulo::core::Application;
use cumulo::ec2::Action;
use cumulo::fake::FakeState;
use cumulo::testing::TestCloud;
use libfuzzer_sys::fuzz_target;

/// Parameter names the handlers read, so most inputs reach past argument parsing.
const NAMES: &[&str] = &[
    "InstanceId.1",
    "InstanceId.2",
    "Filter.1.Name",
    "Filter.1.Value.1",
    "Filter.2.Name",
    "Filter.2.Value.1",
    "MaxResults",
    "NextToken",
    "DryRun",
    "Force",
    "ImageId",
    "MinCount",
    "MaxCount",
    "InstanceType",
    "KeyName",
    "PublicKeyMaterial",
    "GroupName",
    "GroupId",
    "GroupDescription",
    "VolumeId",
    "SnapshotId",
    "Size",
    "AvailabilityZone",
    "Device",
    "AllocationId",
    "PublicIp",
    "ResourceId.1",
    "Tag.1.Key",
    "Tag.1.Value",
    "TagSpecification.1.ResourceType",
    "TagSpecification.1.Tag.1.Key",
    "IpPermissions.1.IpProtocol",
    "IpPermissions.1.FromPort",
    "IpPermissions.1.ToPort",
    "IpPermissions.1.IpRanges.1.CidrIp",
    "BlockDeviceMapping.1.DeviceName",
    "BlockDeviceMapping.1.Ebs.VolumeSize",
    "Attribute",
    "Value",
    "Description",
    "Name",
    "RegionName.1",
    "Owner.1",
];

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum Value {
    /// One of the seeded instances.
    Instance(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    action: u8,
    params: Vec<(Name, Value)>,
}

struct Harness {
    runtime: tokio::runtime::Runtime,
    cloud: TestCloud,
    instances: Vec<String>,
    seeded: FakeState,
    calls: Mutex<u32>,
}

static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let cloud = TestCloud::new();
    let region = cloud.fake().regions()[0].clone();
    let instances = cloud.fake().seed_instances("default", &region, 4);
    let seeded = cloud.fake().save();
    Harness {
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a runtime"),
        cloud,
        instances,
        seeded,
        calls: Mutex::new(0),
    }
});

/// How many calls run before the fake is reset to its seeded state, so launches and
/// deletions do not pile up across the run.
const CALLS_PER_RESET: u32 = 512;

fuzz_target!(|input: Input| {
    let harness = &*HARNESS;
    {
        let mut calls = harness.calls.lock().unwrap();
        *calls += 1;
        if *calls % CALLS_PER_RESET == 0 {
            harness.cloud.fake().restore(harness.seeded.clone());
        }
    }
    let action = Action::ALL[usize::from(input.action) % Action::ALL.len()];
    let params: Vec<(String, String)> = input
        .params
        .iter()
        .map(|(name, value)| {
            let name = match name {
                Name::Known(index) => NAMES[usize::from(*index) % NAMES.len()].to_owned(),
                Name::Raw(name) => name.clone(),
            };
            let value = match value {
                Value::Instance(index) => {
                    harness.instances[usize::from(*index) % harness.instances.len()].clone()
                }
                Value::Raw(value) => value.clone(),
            };
            (name, value)
        })
        .collect();
    // RSA key generation takes tens of milliseconds and would spend most of the run on
    // one action: CreateKeyPair makes ed25519 keys here (the RSA path has its own tests).
    let mut params = params;
    if action == Action::CreateKeyPair {
        params.retain(|(name, _)| name != "KeyType");
        params.push(("KeyType".to_owned(), "ed25519".to_owned()));
    }
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();

    let request = harness
        .cloud
        .client()
        .signed_request(action.as_str(), &borrowed);
    let app = harness.cloud.app();
    let response = match harness.runtime.block_on(app.call(request)) {
        Ok(response) => response,
        Err(error) => panic!("{action:?} {params:?}: the chain failed: {error}"),
    };
    let status = response.status().as_u16();
    let body = String::from_utf8_lossy(response.body().as_bytes());
    assert!(
        matches!(status, 200 | 400 | 401 | 403 | 412 | 413),
        "{action:?} {params:?}: status {status}: {body}"
    );
    assert!(
        body.starts_with("<?xml"),
        "{action:?} {params:?}: status {status}, body is not XML: {body}"
    );
});
