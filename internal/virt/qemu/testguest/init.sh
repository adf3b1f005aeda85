#!/bin/busybox sh
# /init of novalite's test guest: a busybox initramfs that reads its
# config drive (config-2) as cloud-init would, reports what it found on
# the serial console, configures its NICs from network_data.json, and
# powers off when the ACPI power button is pressed.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /lib/modules/load.order); do insmod "/lib/modules/$m" 2>/dev/null; done
say() { echo "novalite-guest: $*"; }
say "booted"
# The kernel command line asks that an RCU stall panic (and so reboot).
say "panic-on-rcu-stall=$(cat /proc/sys/kernel/panic_on_rcu_stall)"

# Power off on the ACPI power button: any event of the button's input device.
for e in /sys/class/input/event*; do
  if grep -q "Power Button" "$e/device/name" 2>/dev/null; then
    # evdev reads whole events (24 bytes each on x86_64), so ask for more.
    dev="/dev/input/${e##*/}"
    (while [ ! -c "$dev" ]; do sleep 0.1; done
     until dd if="$dev" bs=64 count=1 of=/dev/null 2>/dev/null; do sleep 0.5; done
     say "power button"; sync; poweroff -f) &
  fi
done

# The config drive: the block device whose iso9660 volume is config-2.
cd=/mnt/config
mkdir -p $cd
# insmod probes the devices present, so a short retry is enough.
for i in 1 2 3 4 5; do
  for d in /dev/vd? /dev/sr?; do
    [ -b "$d" ] || continue
    mount -t iso9660 -o ro "$d" $cd 2>/dev/null && [ -f $cd/openstack/latest/meta_data.json ] && break 2
    umount $cd 2>/dev/null
  done
  sleep 0.1
done
md=$cd/openstack/latest/meta_data.json
field() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$2"; }
if [ -f $md ]; then
  hostname "$(field hostname $md)"
  say "hostname=$(hostname)"
  say "uuid=$(field uuid $md)"
  say "public-key=$(sed -n 's/.*"public_keys": *{"[^"]*": *"\([^"]*\)".*/\1/p' $md)"
else
  say "no config drive"
fi

# NICs from network_data.json: each link by MAC, its network's address.
nd=$cd/openstack/latest/network_data.json
if [ -f $nd ]; then
  # One JSON object per line (each starts at "[{" or "},{"); a network's
  # own keys (id, ip_address, link, netmask) come before its routes.
  sed 's/\[{/\n{/g; s/},{/}\n{/g' $nd > /tmp/nd
  grep '"ethernet_mac_address"' /tmp/nd | while read -r link; do
    id=$(echo "$link" | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p')
    mac=$(echo "$link" | sed -n 's/.*"ethernet_mac_address": *"\([^"]*\)".*/\1/p')
    net=$(grep "\"link\": *\"$id\"" /tmp/nd | grep '"ip_address": *"[0-9.]*"' | head -n 1)
    ip=$(echo "$net" | sed -n 's/.*"ip_address": *"\([^"]*\)".*/\1/p')
    mask=$(echo "$net" | sed -n 's/.*"netmask": *"\([^"]*\)".*/\1/p')
    [ -n "$ip" ] || continue
    for n in /sys/class/net/*; do
      [ "$(cat $n/address)" = "$mac" ] || continue
      ifconfig "${n##*/}" "$ip" netmask "$mask" up && say "nic ${n##*/} $mac $ip/$mask"
    done
  done
fi

ud=$cd/openstack/latest/user_data
if [ -f $ud ]; then
  say "user-data begin"
  sh $ud 2>&1
  say "user-data end"
fi
say "ready"
while true; do setsid cttyhack sh; sleep 1; done
