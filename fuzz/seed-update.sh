#!/bin/sh
# seed-update.sh DIR: fill DIR with a seed corpus for fuzz-update: podman's update file, one of
# every linux.resources field, and flag values (sizes, numbers, cpu lists).
set -eu
dir=${1:?usage: seed-update.sh DIR}
mkdir -p "$dir"
printf '%s' '{"memory":{"limit":104857600,"swap":209715200},"cpu":{"quota":50000,"period":100000}}' > "$dir/podman.json"
printf '%s' '{"memory":{"limit":-1,"reservation":0,"kernel":1,"swappiness":10,"disableOOMKiller":true},"pids":{"limit":-1},"cpu":{"shares":512,"quota":-1,"period":18446744073709551615,"realtimePeriod":1,"realtimeRuntime":1,"cpus":"0-1","mems":"0","burst":0,"idle":1},"blockIO":{"weight":500,"weightDevice":[{"major":8,"minor":0,"weight":10}],"throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1}]},"hugepageLimits":[{"pageSize":"2MB","limit":0}],"network":{"classID":1,"priorities":[{"name":"eth0","priority":1}]},"rdma":{"mlx5_0":{"hcaHandles":3}},"unified":{"memory.high":"max"},"devices":[]}' > "$dir/every.json"
printf '%s' '{"devices":[{"allow":true,"access":"rwm"}]}' > "$dir/devices.json"
for v in 100m 1.5g 64MiB "64 k" -1 0 8191p 50000 0-3,7 abc; do
  printf '%s' "$v" > "$dir/flag-$(printf '%s' "$v" | tr -c 'a-zA-Z0-9.-' _)"
done
echo "seed corpus in $dir: $(ls "$dir" | wc -l) files"
