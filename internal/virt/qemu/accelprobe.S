# The accelerator probe's guest (accel.go): a boot sector that turns on
# 32-bit paging with one 4 MiB page, writes to each 4 KiB page from 1 MiB
# to 4 MiB, dropping each from the TLB, ROUNDS times, then has QEMU exit
# through isa-debug-exit (port 0xf4) with status (0x10 << 1) | 1 = 33.
# Some nested hosts open /dev/kvm and start a vCPU, but a guest with
# paging on then crawls (the Debian kernel's decompressor did about 200k
# loop turns a second and never printed a line): only running guest code
# with paging on tells such a KVM from a working one.
#
# accelprobe.bin is this, built by TestAccelProbeBuilds with:
#   as --32 --defsym ROUNDS=4 -o probe.o accelprobe.S
#   ld -m elf_i386 -Ttext 0 --oformat binary -o accelprobe.bin probe.o
	.code16
	.globl _start
_start:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	lgdt gdtdesc - _start + 0x7c00
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmp $0x08, $(pm - _start + 0x7c00)
	.code32
pm:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl $0x83, 0x10000          # page directory entry 0: 4 MiB at 0, present, writable
	movl %cr4, %eax
	orl $0x10, %eax              # CR4.PSE: 4 MiB pages
	movl %eax, %cr4
	movl $0x10000, %eax
	movl %eax, %cr3
	movl %cr0, %eax
	orl $0x80000000, %eax        # CR0.PG
	movl %eax, %cr0
	movl $ROUNDS, %edx
round:
	movl $0x100000, %edi
page:
	movl %edx, (%edi)
	invlpg (%edi)
	addl $4096, %edi
	cmpl $0x400000, %edi
	jb page
	decl %edx
	jnz round
	movb $0x10, %al
	outb %al, $0xf4
	hlt
	.p2align 3
gdt:
	.quad 0
	.quad 0x00cf9a000000ffff     # 0x08: code, flat 4 GiB, 32-bit
	.quad 0x00cf92000000ffff     # 0x10: data, flat 4 GiB
gdtdesc:
	.word gdtdesc - gdt - 1
	.long gdt - _start + 0x7c00
	.org 510
	.byte 0x55, 0xaa
