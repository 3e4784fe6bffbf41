/* The sandbox's assembly: process entry, the hypercall and iret entries the
 * hypercall-page stubs jump to, and pv_resume, the one way back to guest
 * code.
 *
 * An entry must find the running vCPU's struct pv_vcpu before it can save
 * the guest's registers there. Where the CPU has PKRU (OSPKE), the vCPU
 * id sits in PKRU bits of keys nobody uses (PV_PKRU_ID, set per thread),
 * and %gs is the guest's: the *_pk entries. Without it the GS base points
 * at the vCPU (the guest gets no GS of its own): the *_gs entries. The
 * hypercall page jumps to the pair the sandbox chose at boot. */
#include "hypervisor/engines/pv/sandbox/sandbox.h"

#define V(off) PV_VCPU_REGS + off

	.text
	.globl _start
_start:
	xorl %ebp, %ebp
	movq %rsp, %rdi            /* argc, argv, envp, auxv */
	andq $-16, %rsp
	call sandbox_main
	ud2

/* Save everything but %r11 (the entries' scratch), %rax, %rcx and %rdx
 * (the PKRU entries' scratch) into the vCPU at %r11. */
.macro SAVE_REST
	movq %rbx, V(R_RBX)(%r11)
	movq %rsi, V(R_RSI)(%r11)
	movq %rdi, V(R_RDI)(%r11)
	movq %rbp, V(R_RBP)(%r11)
	movq %r8, V(R_R8)(%r11)
	movq %r9, V(R_R9)(%r11)
	movq %r10, V(R_R10)(%r11)
	movq %r12, V(R_R12)(%r11)
	movq %r13, V(R_R13)(%r11)
	movq %r14, V(R_R14)(%r11)
	movq %r15, V(R_R15)(%r11)
.endm

/* The same with %rax, %rcx and %rdx: everything but %r11. */
.macro SAVE_MOST
	movq %rax, V(R_RAX)(%r11)
	movq %rcx, V(R_RCX)(%r11)
	movq %rdx, V(R_RDX)(%r11)
	SAVE_REST
.endm

/* Load everything but %rax, %rcx, %rdx and %rdi from the vCPU at %rdi. */
.macro LOAD_REST
	movq V(R_RBX)(%rdi), %rbx
	movq V(R_RSI)(%rdi), %rsi
	movq V(R_RBP)(%rdi), %rbp
	movq V(R_R8)(%rdi), %r8
	movq V(R_R9)(%rdi), %r9
	movq V(R_R10)(%rdi), %r10
	movq V(R_R11)(%rdi), %r11
	movq V(R_R12)(%rdi), %r12
	movq V(R_R13)(%rdi), %r13
	movq V(R_R14)(%rdi), %r14
	movq V(R_R15)(%rdi), %r15
.endm

/* %r11 = this thread's vCPU, from the id in PKRU. Clobbers rax, rcx, rdx
 * and the flags. `label` marks the first touch of the sandbox's memory
 * (where user mode faults with keys: events.c). */
.macro VCPU_FROM_PKRU label
	xorl %ecx, %ecx
	rdpkru
	shrl $PV_PKRU_ID_SHIFT, %eax
	andl $PV_VCPU_ID_MASK, %eax
	leaq pv_vcpu_table(%rip), %r11
	.globl \label
\label:
	movq (%r11,%rax,8), %r11
.endm

/* After `call hypercall_page + nr*32`; the stub set %eax = nr. [rsp] is the
 * return address. */
	.globl pv_hypercall_entry_gs
pv_hypercall_entry_gs:
	pushq %r11
	rdgsbase %r11
	SAVE_MOST
	popq V(R_R11)(%r11)
	popq V(R_RIP)(%r11)
	movq %rsp, V(R_RSP)(%r11)
	pushfq
	popq V(R_RFLAGS)(%r11)
	jmp 1f

/* The guest's stack holds, from %rsp up: rax, rdx, rcx, r11, rflags and
 * the return address (48 bytes below the caller's %rsp). */
	.globl pv_hypercall_entry_pk
pv_hypercall_entry_pk:
	pushfq
	pushq %r11
	pushq %rcx
	pushq %rdx
	pushq %rax
pv_hypercall_entry_pk_vcpu:
	VCPU_FROM_PKRU pv_hypercall_entry_save
	popq V(R_RAX)(%r11)
	popq V(R_RDX)(%r11)
	popq V(R_RCX)(%r11)
	popq V(R_R11)(%r11)
	popq V(R_RFLAGS)(%r11)
	SAVE_REST
	popq V(R_RIP)(%r11)
	movq %rsp, V(R_RSP)(%r11)
1:	movq PV_VCPU_STACK(%r11), %rsp
	movq %r11, %rdi
	movq %r11, %rbx
	call pv_shim_hypercall
	movq %rbx, %rdi
	jmp pv_resume

/* The iret stub is Xen's: push %rcx; push %r11; push %rax; mov $23,%eax,
 * then a call here (where Xen's stub has its `syscall`). %rsp points at
 * the stub's return address, struct iret_context above it. The return
 * address is the vCPU's rip: called from user mode the stub is a system
 * call for the guest kernel, as on Xen, returning there (usermode.c). */
	.globl pv_iret_entry_gs
pv_iret_entry_gs:
	pushq %r11
	rdgsbase %r11
	SAVE_MOST
	popq V(R_R11)(%r11)
	popq V(R_RIP)(%r11)
	jmp 1f

	.globl pv_iret_entry_pk
pv_iret_entry_pk:
	pushfq
	pushq %rax
	pushq %rcx
	pushq %rdx
	xorl %ecx, %ecx
	rdpkru
	testl $(0xffffffff ^ PV_PKRU_ID_MASK), %eax /* a key shut: user mode */
	popq %rdx
	popq %rcx
	popq %rax
	jnz 2f
	popfq
	pushq %r11
	pushq %rdx
	pushq %rcx
	VCPU_FROM_PKRU pv_iret_entry_save
	popq V(R_RCX)(%r11)
	popq V(R_RDX)(%r11)
	popq V(R_R11)(%r11)
	movq $23, V(R_RAX)(%r11)
	SAVE_REST
	popq V(R_RIP)(%r11)
1:	movq %rsp, V(R_RSP)(%r11)
	pushfq
	popq V(R_RFLAGS)(%r11)
	movq PV_VCPU_STACK(%r11), %rsp
	movq %r11, %rdi
	movq %r11, %rbx
	call usermode_iret_stub
	movq %rbx, %rdi
	jmp pv_resume
/* User mode behind its keys: lay the stack out as a hypercall stub's call
 * (rax, rdx, rcx, r11, rflags, return address) and take that path, whose
 * first load of the sandbox's memory faults into the system call
 * (events.c): rax 23, rcx the return address, the stub's three pushes
 * left on the user's stack, as Xen's `syscall` leaves them. */
2:	pushq %r11
	pushq %rcx
	pushq %rdx
	pushq %rax
	jmp pv_hypercall_entry_pk_vcpu

/* A guest's raw `syscall` (trapped by seccomp) continues here from the
 * SIGSYS handler: %rdi = vCPU, %rsp = its shim stack, regs.rax = number. */
	.globl pv_trap_hypercall
pv_trap_hypercall:
	movq %rdi, %rbx
	call pv_shim_hypercall
	movq %rbx, %rdi
	jmp pv_resume

/* void pv_resume_vcpu(struct pv_vcpu *v) */
	.globl pv_resume_vcpu
pv_resume_vcpu:
	jmp pv_resume

/* Back to the guest with %rdi = vCPU. A signal that lands anywhere from
 * here to pv_resume_end restarts here (events.c): the registers are still
 * all in the vCPU block, and the event check runs again. With keys, a
 * signal handler returns to pv_resume_unlock: rt_sigreturn gave back the
 * interrupted PKRU, which may be user mode's. */
	.globl pv_resume, pv_resume_unlock, pv_resume_end
pv_resume_unlock:
	xorl %ecx, %ecx
	rdpkru
	andl $PV_PKRU_ID_MASK, %eax     /* keep the vCPU id, open every key */
	wrpkru
pv_resume:
	movq PV_VCPU_STACK(%rdi), %rsp
	movq %rdi, %rbx
	call pv_resume_check
	movq %rbx, %rdi
	movl $0, %eax
	xchgl %eax, PV_VCPU_RECHECK_OFF(%rdi)
	testl %eax, %eax
	jnz pv_resume
	movq PV_VCPU_URET(%rdi), %rax
	testq %rax, %rax
	jnz 2f
	movq V(R_RSP)(%rdi), %rsp
	pushq V(R_RIP)(%rdi)
	pushq V(R_RFLAGS)(%rdi)
	movq V(R_RAX)(%rdi), %rax
	movq V(R_RCX)(%rdi), %rcx
	movq V(R_RDX)(%rdi), %rdx
	LOAD_REST
	movq V(R_RDI)(%rdi), %rdi
	popfq
	ret
/* To user mode: iretq from the vCPU's pv_uret (%rax), which stays readable
 * after PKRU (PV_VCPU_PKRU, 0 = no keys) shuts the sandbox's memory; the
 * guest's stack is not touched (user code may keep data below %rsp). */
2:	movq %rax, %rsp
	LOAD_REST
	movl PV_VCPU_PKRU(%rdi), %eax
	movq V(R_RDI)(%rdi), %rdi
	testl %eax, %eax
	jz 3f
	xorl %ecx, %ecx
	xorl %edx, %edx
	wrpkru
3:	popq %rax
	popq %rcx
	popq %rdx
	iretq
pv_resume_end:

/* Signal handlers with keys: the kernel enters them with PKRU denying every
 * key but 0, so open it before the first touch of the (keyed) signal
 * stack; %rdx (the ucontext) survives in %r8. */
.macro PK_TRAMPOLINE name, target
	.globl \name
\name:
	movq %rdx, %r8
	xorl %eax, %eax
	xorl %ecx, %ecx
	xorl %edx, %edx
	wrpkru
	movq %r8, %rdx
	jmp \target
.endm
	PK_TRAMPOLINE pv_pk_fault_handler, events_fault_handler
	PK_TRAMPOLINE pv_pk_sys_handler, events_sys_handler
	PK_TRAMPOLINE pv_pk_upcall_handler, events_upcall_handler

/* Signal return trampoline (sa_restorer). */
	.globl pv_sigreturn
pv_sigreturn:
	movl $15, %eax             /* rt_sigreturn */
	syscall
	ud2

	.section .note.GNU-stack, "", @progbits
