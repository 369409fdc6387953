# zctrace_bpf_skeleton(NAME <family> SOURCE <file.bpf.c>)
#
# Compiles a BPF program with clang (CO-RE, against the checked-in vmlinux.h),
# links it with `bpftool gen object` (which keeps BTF and drops DWARF) and
# generates `<family>.skel.h` with `bpftool gen skeleton`. clang's depfile
# makes every header the program includes a dependency, so editing
# bpf/zctrace.h or bpf/common.bpf.h rebuilds the objects and skeletons.
set(ZCTRACE_BPF_OUT ${ZCTRACE_GENERATED}/bpf)
file(MAKE_DIRECTORY ${ZCTRACE_BPF_OUT})

function(zctrace_bpf_skeleton)
  cmake_parse_arguments(ARG "" "NAME;SOURCE" "" ${ARGN})
  set(src ${CMAKE_CURRENT_SOURCE_DIR}/${ARG_SOURCE})
  set(obj ${ZCTRACE_BPF_OUT}/${ARG_NAME}.bpf.o)
  set(linked ${ZCTRACE_BPF_OUT}/${ARG_NAME}.linked.o)
  set(dep ${ZCTRACE_BPF_OUT}/${ARG_NAME}.bpf.d)
  set(skel ${ZCTRACE_BPF_OUT}/${ARG_NAME}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86
            -I${CMAKE_CURRENT_SOURCE_DIR} -I${PROJECT_SOURCE_DIR}/bpf -MD -MF ${dep} -c ${src} -o ${obj}
    DEPENDS ${src}
    DEPFILE ${dep}
    COMMENT "BPF ${ARG_SOURCE}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen object ${linked} ${obj}
    COMMAND sh -c "${BPFTOOL} gen skeleton ${linked} name zc_${ARG_NAME}_bpf > ${skel}.tmp && mv ${skel}.tmp ${skel}"
    DEPENDS ${obj}
    COMMENT "skeleton zc_${ARG_NAME}_bpf"
    VERBATIM)
  set_property(GLOBAL APPEND PROPERTY ZCTRACE_SKELETONS ${skel})
endfunction()
