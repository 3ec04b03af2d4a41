use time::macros::datetime;

use super::*;
use crate::ec2::model::EbsBlockDevice;

fn render(value: &impl ToXml) -> String {
    let mut writer = XmlWriter::default();
    value.write_xml(&mut writer);
    writer.into_string()
}

/// The pairs botocore serializes for a `run_instances` call with most parameters.
fn boto3_run_instances() -> Args {
    Args::from_pairs([
        ("Action", "RunInstances"),
        ("BlockDeviceMapping.1.DeviceName", "/dev/xvda"),
        ("BlockDeviceMapping.1.Ebs.VolumeSize", "20"),
        ("BlockDeviceMapping.1.Ebs.VolumeType", "gp3"),
        ("ClientToken", "tok"),
        ("DisableApiTermination", "true"),
        ("EbsOptimized", "false"),
        ("IamInstanceProfile.Name", "role"),
        ("ImageId", "ami-0123456789abcdef0"),
        ("InstanceInitiatedShutdownBehavior", "terminate"),
        ("InstanceType", "t3.micro"),
        ("KeyName", "deploy"),
        ("MaxCount", "2"),
        ("MetadataOptions.HttpTokens", "required"),
        ("MinCount", "1"),
        ("Monitoring.Enabled", "true"),
        ("NetworkInterface.1.AssociatePublicIpAddress", "true"),
        ("NetworkInterface.1.DeviceIndex", "0"),
        ("NetworkInterface.1.SecurityGroupId.1", "sg-2"),
        ("NetworkInterface.1.SubnetId", "subnet-1"),
        ("Placement.AvailabilityZone", "us-east-1b"),
        ("Placement.Tenancy", "default"),
        ("SecurityGroup.1", "default"),
        ("SecurityGroupId.1", "sg-1"),
        ("TagSpecification.1.ResourceType", "instance"),
        ("TagSpecification.1.Tag.1.Key", "Name"),
        ("TagSpecification.1.Tag.1.Value", "web"),
        ("UserData", "IyEvYmluL3NoCg=="),
        ("Version", "2016-11-15"),
    ])
}

#[test]
fn run_instances_reads_what_boto3_sends() {
    let input = RunInstancesInput::from_args(&boto3_run_instances()).unwrap();
    assert_eq!(
        input,
        RunInstancesInput {
            image_id: Some("ami-0123456789abcdef0".into()),
            min_count: 1,
            max_count: 2,
            instance_type: Some("t3.micro".into()),
            key_name: Some("deploy".into()),
            security_groups: vec!["default".into()],
            security_group_ids: vec!["sg-1".into()],
            user_data: Some(UserData("IyEvYmluL3NoCg==".into())),
            placement: PlacementRequest {
                availability_zone: Some("us-east-1b".into()),
                tenancy: Some("default".into()),
                ..Default::default()
            },
            block_device_mappings: vec![BlockDeviceMapping {
                device_name: Some("/dev/xvda".into()),
                ebs: Some(EbsBlockDevice {
                    volume_size: Some(20),
                    volume_type: Some("gp3".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            monitoring_enabled: Some(true),
            disable_api_termination: Some(true),
            instance_initiated_shutdown_behavior: Some("terminate".into()),
            client_token: Some("tok".into()),
            ebs_optimized: Some(false),
            iam_instance_profile: Some(IamInstanceProfileSpecification {
                arn: None,
                name: Some("role".into()),
            }),
            network_interfaces: vec![NetworkInterfaceSpecification {
                device_index: Some(0),
                subnet_id: Some("subnet-1".into()),
                security_group_ids: vec!["sg-2".into()],
                associate_public_ip_address: Some(true),
                ..Default::default()
            }],
            tag_specifications: vec![TagSpecification {
                resource_type: "instance".into(),
                tags: vec![Tag {
                    key: "Name".into(),
                    value: "web".into()
                }],
            }],
            metadata_options: Some(MetadataOptionsRequest {
                http_tokens: Some("required".into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    );
}

#[test]
fn terminate_instances_without_an_instance_is_a_parameter_combination_error() {
    let args = Args::from_pairs([("Action", "TerminateInstances")]);
    let error = TerminateInstancesInput::from_args(&args).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidParameterCombination);
    assert_eq!(error.message(), "No instances specified");
}

#[test]
fn run_instances_needs_both_counts() {
    let args = Args::from_pairs([("ImageId", "ami-1"), ("MinCount", "1")]);
    let error = RunInstancesInput::from_args(&args).unwrap_err();
    assert_eq!(error.code(), ErrorCode::MissingParameter);
    assert_eq!(
        error.message(),
        "The request must contain the parameter MaxCount"
    );
}

#[test]
fn user_data_stays_out_of_debug() {
    let input = RunInstancesInput::from_args(&boto3_run_instances()).unwrap();
    let debug = format!("{input:?}");
    assert!(!debug.contains("IyEvYmluL3NoCg=="));
    assert!(debug.contains("UserData(<16 bytes>)"));
}

#[test]
fn describe_instances_reads_ids_filters_and_paging() {
    let args = Args::from_pairs([
        ("Action", "DescribeInstances"),
        ("Filter.1.Name", "tag:env"),
        ("Filter.1.Value.1", "prod"),
        ("Filter.1.Value.2", "stage"),
        ("InstanceId.1", "i-1"),
        ("InstanceId.2", "i-2"),
        ("MaxResults", "5"),
        ("NextToken", "x"),
        ("Version", "2016-11-15"),
    ]);
    assert_eq!(
        DescribeInstancesInput::from_args(&args).unwrap(),
        DescribeInstancesInput {
            instance_ids: vec!["i-1".into(), "i-2".into()],
            filters: vec![Filter {
                name: "tag:env".into(),
                values: vec!["prod".into(), "stage".into()],
            }],
            max_results: Some(5),
            next_token: Some("x".into()),
        }
    );
}

#[test]
fn state_changes_need_instance_ids() {
    let args = Args::from_pairs([("Action", "StopInstances"), ("Force", "true")]);
    assert_eq!(
        StopInstancesInput::from_args(&args).unwrap_err().message(),
        "The request must contain the parameter InstanceId"
    );
    let args = Args::from_pairs([("InstanceId.1", "i-1"), ("Force", "true")]);
    assert_eq!(
        StopInstancesInput::from_args(&args).unwrap(),
        StopInstancesInput {
            instance_ids: vec!["i-1".into()],
            force: true,
            ..Default::default()
        }
    );
}

#[test]
fn modify_instance_attribute_reads_the_value_form() {
    let args = Args::from_pairs([
        ("Action", "ModifyInstanceAttribute"),
        ("DisableApiTermination.Value", "true"),
        ("InstanceId", "i-1"),
    ]);
    assert_eq!(
        ModifyInstanceAttributeInput::from_args(&args).unwrap(),
        ModifyInstanceAttributeInput {
            instance_id: "i-1".into(),
            disable_api_termination: Some(true),
            ..Default::default()
        }
    );
    let args = Args::from_pairs([
        ("InstanceId", "i-1"),
        ("UserData.Value", "IyEvYmluL3NoCg=="),
    ]);
    assert_eq!(
        ModifyInstanceAttributeInput::from_args(&args)
            .unwrap()
            .user_data,
        Some(UserData("IyEvYmluL3NoCg==".into()))
    );
}

#[test]
fn modify_instance_attribute_reads_the_attribute_and_value_form() {
    let args = Args::from_pairs([
        ("Attribute", "instanceType"),
        ("InstanceId", "i-1"),
        ("Value", "t3.large"),
    ]);
    assert_eq!(
        ModifyInstanceAttributeInput::from_args(&args).unwrap(),
        ModifyInstanceAttributeInput {
            instance_id: "i-1".into(),
            instance_type: Some("t3.large".into()),
            ..Default::default()
        }
    );
    let args = Args::from_pairs([
        ("Attribute", "disableApiTermination"),
        ("InstanceId", "i-1"),
        ("Value", "True"),
    ]);
    assert_eq!(
        ModifyInstanceAttributeInput::from_args(&args)
            .unwrap()
            .disable_api_termination,
        Some(true)
    );
}

#[test]
fn modify_instance_attribute_without_a_change_is_refused() {
    let args = Args::from_pairs([("InstanceId", "i-1")]);
    let error = ModifyInstanceAttributeInput::from_args(&args).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidParameterCombination);
    assert_eq!(error.message(), "No attributes specified.");
}

#[test]
fn unknown_instance_attribute_is_invalid_parameter_value() {
    let args = Args::from_pairs([("InstanceId", "i-1"), ("Attribute", "color")]);
    let error = DescribeInstanceAttributeInput::from_args(&args).unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidParameterValue);
    assert_eq!(
        error.message(),
        "Value (color) for parameter attribute is invalid. Unknown attribute."
    );
}

#[test]
fn describe_instance_status_reads_include_all_instances() {
    let args = Args::from_pairs([("IncludeAllInstances", "true"), ("InstanceId.1", "i-1")]);
    let input = DescribeInstanceStatusInput::from_args(&args).unwrap();
    assert!(input.include_all_instances);
    assert_eq!(input.instance_ids, ["i-1"]);
}

#[test]
fn state_changes_render_current_then_previous_state() {
    let output = StopInstancesOutput {
        instances: vec![InstanceStateChange {
            instance_id: "i-1".into(),
            current_state: InstanceStateName::Stopping,
            previous_state: InstanceStateName::Running,
        }],
    };
    assert_eq!(
        render(&output),
        "<instancesSet><item><instanceId>i-1</instanceId>\
         <currentState><code>64</code><name>stopping</name></currentState>\
         <previousState><code>16</code><name>running</name></previousState>\
         </item></instancesSet>"
    );
}

fn sample_instance() -> Instance {
    let at = datetime!(2026-01-02 03:04:05 UTC);
    Instance {
        instance_id: "i-1".into(),
        image_id: "ami-1".into(),
        state: InstanceStateName::Running,
        private_dns_name: "ip-172-31-0-10.ec2.internal".into(),
        dns_name: "ec2-3-80-0-10.compute-1.amazonaws.com".into(),
        reason: Text::default(),
        key_name: Some("deploy".into()),
        ami_launch_index: 0,
        product_codes: vec![],
        instance_type: "t2.micro".into(),
        launch_time: at,
        placement: Placement {
            availability_zone: "us-east-1a".into(),
            group_name: Text::default(),
            tenancy: "default".into(),
        },
        kernel_id: None,
        ramdisk_id: None,
        platform: None,
        monitoring_state: "disabled".into(),
        subnet_id: Some("subnet-1".into()),
        vpc_id: Some("vpc-1".into()),
        private_ip_address: Some("172.31.0.10".into()),
        ip_address: Some("3.80.0.10".into()),
        source_dest_check: true,
        groups: vec![GroupIdentifier {
            group_id: "sg-1".into(),
            group_name: "default".into(),
        }],
        state_reason: None,
        architecture: "x86_64".into(),
        root_device_type: "ebs".into(),
        root_device_name: "/dev/xvda".into(),
        block_device_mappings: vec![InstanceBlockDeviceMapping {
            device_name: "/dev/xvda".into(),
            volume_id: "vol-1".into(),
            status: "attached".into(),
            attach_time: Some(at),
            delete_on_termination: true,
        }],
        virtualization_type: "hvm".into(),
        client_token: Text::default(),
        tags: vec![Tag {
            key: "Name".into(),
            value: "web".into(),
        }],
        hypervisor: "xen".into(),
        network_interfaces: vec![],
        iam_instance_profile: None,
        ebs_optimized: false,
        ena_support: true,
        cpu_core_count: 1,
        cpu_threads_per_core: 1,
        capacity_reservation_preference: "open".into(),
        hibernation_configured: false,
        enclave_enabled: false,
        metadata_options: InstanceMetadataOptions::default(),
        auto_recovery: "default".into(),
        boot_mode: None,
        current_instance_boot_mode: Some("legacy-bios".into()),
        platform_details: "Linux/UNIX".into(),
        usage_operation: "RunInstances".into(),
        usage_operation_update_time: at,
        hostname_type: "ip-name".into(),
        ipv6_address: None,
    }
}

#[test]
fn an_instance_renders_as_describe_instances_writes_it() {
    let output = DescribeInstancesOutput {
        reservations: vec![Reservation {
            reservation_id: "r-1".into(),
            owner_id: "123456789012".into(),
            requester_id: None,
            groups: vec![],
            instances: vec![sample_instance().into()],
        }],
        next_token: Some("token".into()),
    };
    assert_eq!(
        render(&output),
        "<reservationSet><item><reservationId>r-1</reservationId>\
         <ownerId>123456789012</ownerId><groupSet></groupSet><instancesSet><item>\
         <instanceId>i-1</instanceId><imageId>ami-1</imageId>\
         <instanceState><code>16</code><name>running</name></instanceState>\
         <privateDnsName>ip-172-31-0-10.ec2.internal</privateDnsName>\
         <dnsName>ec2-3-80-0-10.compute-1.amazonaws.com</dnsName><reason></reason>\
         <keyName>deploy</keyName><amiLaunchIndex>0</amiLaunchIndex>\
         <productCodes></productCodes><instanceType>t2.micro</instanceType>\
         <launchTime>2026-01-02T03:04:05.000Z</launchTime>\
         <placement><availabilityZone>us-east-1a</availabilityZone><groupName></groupName>\
         <tenancy>default</tenancy></placement>\
         <monitoring><state>disabled</state></monitoring>\
         <subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId>\
         <privateIpAddress>172.31.0.10</privateIpAddress><ipAddress>3.80.0.10</ipAddress>\
         <sourceDestCheck>true</sourceDestCheck>\
         <groupSet><item><groupId>sg-1</groupId><groupName>default</groupName></item>\
         </groupSet><architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>\
         <rootDeviceName>/dev/xvda</rootDeviceName><blockDeviceMapping><item>\
         <deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-1</volumeId>\
         <status>attached</status><attachTime>2026-01-02T03:04:05.000Z</attachTime>\
         <deleteOnTermination>true</deleteOnTermination></ebs></item></blockDeviceMapping>\
         <virtualizationType>hvm</virtualizationType><clientToken></clientToken>\
         <tagSet><item><key>Name</key><value>web</value></item></tagSet>\
         <hypervisor>xen</hypervisor><networkInterfaceSet></networkInterfaceSet>\
         <ebsOptimized>false</ebsOptimized><enaSupport>true</enaSupport>\
         <cpuOptions><coreCount>1</coreCount><threadsPerCore>1</threadsPerCore></cpuOptions>\
         <capacityReservationSpecification>\
         <capacityReservationPreference>open</capacityReservationPreference>\
         </capacityReservationSpecification>\
         <hibernationOptions><configured>false</configured></hibernationOptions>\
         <enclaveOptions><enabled>false</enabled></enclaveOptions>\
         <metadataOptions><state>applied</state><httpTokens>required</httpTokens>\
         <httpPutResponseHopLimit>2</httpPutResponseHopLimit>\
         <httpEndpoint>enabled</httpEndpoint><httpProtocolIpv6>disabled</httpProtocolIpv6>\
         <instanceMetadataTags>disabled</instanceMetadataTags></metadataOptions>\
         <maintenanceOptions><autoRecovery>default</autoRecovery></maintenanceOptions>\
         <platformDetails>Linux/UNIX</platformDetails>\
         <usageOperation>RunInstances</usageOperation>\
         <usageOperationUpdateTime>2026-01-02T03:04:05.000Z</usageOperationUpdateTime>\
         <privateDnsNameOptions><hostnameType>ip-name</hostnameType>\
         <enableResourceNameDnsARecord>false</enableResourceNameDnsARecord>\
         <enableResourceNameDnsAAAARecord>false</enableResourceNameDnsAAAARecord>\
         </privateDnsNameOptions>\
         <currentInstanceBootMode>legacy-bios</currentInstanceBootMode>\
         </item></instancesSet></item></reservationSet><nextToken>token</nextToken>"
    );
}

#[test]
fn describe_instances_v6_shows_the_ipv6_address() {
    let mut instance = sample_instance();
    instance.ipv6_address = Some("2600:1f18:0:100::a".into());
    assert!(
        render(&instance).contains(
            "<ipAddress>3.80.0.10</ipAddress><ipv6Address>2600:1f18:0:100::a</ipv6Address>"
        )
    );
}

#[test]
fn a_network_interface_renders_its_address_and_attachment() {
    let at = datetime!(2026-01-02 03:04:05 UTC);
    let interface = InstanceNetworkInterface {
        network_interface_id: "eni-1".into(),
        subnet_id: "subnet-1".into(),
        vpc_id: "vpc-1".into(),
        description: Text::default(),
        owner_id: "123456789012".into(),
        status: "in-use".into(),
        mac_address: "0a:00:00:00:00:01".into(),
        private_ip_address: "172.31.0.10".into(),
        private_dns_name: "ip-172-31-0-10.ec2.internal".into(),
        source_dest_check: true,
        groups: vec![],
        attachment: NetworkInterfaceAttachment {
            attachment_id: "eni-attach-1".into(),
            device_index: 0,
            status: "attached".into(),
            attach_time: at,
            delete_on_termination: true,
            network_card_index: 0,
        },
        association: None,
        private_ip_addresses: vec![InstancePrivateIpAddress {
            private_ip_address: "172.31.0.10".into(),
            private_dns_name: "ip-172-31-0-10.ec2.internal".into(),
            primary: true,
            association: None,
        }],
        ipv6_addresses: vec![],
        interface_type: "interface".into(),
    };
    assert_eq!(
        render(&interface),
        "<networkInterfaceId>eni-1</networkInterfaceId><subnetId>subnet-1</subnetId>\
         <vpcId>vpc-1</vpcId><description></description><ownerId>123456789012</ownerId>\
         <status>in-use</status><macAddress>0a:00:00:00:00:01</macAddress>\
         <privateIpAddress>172.31.0.10</privateIpAddress>\
         <privateDnsName>ip-172-31-0-10.ec2.internal</privateDnsName>\
         <sourceDestCheck>true</sourceDestCheck><groupSet></groupSet>\
         <attachment><attachmentId>eni-attach-1</attachmentId><deviceIndex>0</deviceIndex>\
         <status>attached</status><attachTime>2026-01-02T03:04:05.000Z</attachTime>\
         <deleteOnTermination>true</deleteOnTermination>\
         <networkCardIndex>0</networkCardIndex></attachment>\
         <privateIpAddressesSet><item><privateIpAddress>172.31.0.10</privateIpAddress>\
         <privateDnsName>ip-172-31-0-10.ec2.internal</privateDnsName>\
         <primary>true</primary></item></privateIpAddressesSet>\
         <ipv6AddressesSet></ipv6AddressesSet><interfaceType>interface</interfaceType>"
    );
}

#[test]
fn attributes_render_in_their_value_wrapper() {
    let output = DescribeInstanceAttributeOutput {
        instance_id: "i-1".into(),
        value: InstanceAttributeValue::DisableApiTermination(true),
    };
    assert_eq!(
        render(&output),
        "<instanceId>i-1</instanceId>\
         <disableApiTermination><value>true</value></disableApiTermination>"
    );
    let output = DescribeInstanceAttributeOutput {
        instance_id: "i-1".into(),
        value: InstanceAttributeValue::UserData(None),
    };
    assert_eq!(
        render(&output),
        "<instanceId>i-1</instanceId><userData></userData>"
    );
    let output = DescribeInstanceAttributeOutput {
        instance_id: "i-1".into(),
        value: InstanceAttributeValue::GroupSet(vec![GroupIdentifier {
            group_id: "sg-1".into(),
            group_name: "default".into(),
        }]),
    };
    assert_eq!(
        render(&output),
        "<instanceId>i-1</instanceId><groupSet><item><groupId>sg-1</groupId>\
         <groupName>default</groupName></item></groupSet>"
    );
}

#[test]
fn instance_status_renders_checks_and_state() {
    let passed = || InstanceStatusSummary {
        status: "ok".into(),
        details: vec![InstanceStatusDetails {
            name: "reachability".into(),
            status: "passed".into(),
        }],
    };
    let output = DescribeInstanceStatusOutput {
        statuses: vec![InstanceStatus {
            instance_id: "i-1".into(),
            availability_zone: "us-east-1a".into(),
            availability_zone_id: None,
            state: InstanceStateName::Running,
            system_status: passed(),
            instance_status: passed(),
        }],
        next_token: None,
    };
    assert_eq!(
        render(&output),
        "<instanceStatusSet><item><instanceId>i-1</instanceId>\
         <availabilityZone>us-east-1a</availabilityZone>\
         <instanceState><code>16</code><name>running</name></instanceState>\
         <systemStatus><status>ok</status><details><item><name>reachability</name>\
         <status>passed</status></item></details></systemStatus>\
         <instanceStatus><status>ok</status><details><item><name>reachability</name>\
         <status>passed</status></item></details></instanceStatus></item>\
         </instanceStatusSet>"
    );
}

#[test]
fn console_output_renders_id_time_and_text() {
    let output = GetConsoleOutputOutput {
        instance_id: "i-1".into(),
        timestamp: datetime!(2026-01-02 03:04:05 UTC),
        output: "Ym9vdA==".into(),
    };
    assert_eq!(
        render(&output),
        "<instanceId>i-1</instanceId><timestamp>2026-01-02T03:04:05.000Z</timestamp>\
         <output>Ym9vdA==</output>"
    );
}
