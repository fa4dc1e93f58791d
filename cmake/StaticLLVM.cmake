# Make every MLIR/LLVM target link the static component archives instead of the
# 150 MB libLLVM.so, so that build/bin/* runs on a host without LLVM installed.
set(LLVM_LINK_LLVM_DYLIB OFF)

llvm_map_components_to_libnames(MLPJIT_LLVM_STATIC_LIBS
  Support Demangle TargetParser BinaryFormat Core Remarks BitstreamReader)

# zlib/zstd from static archives; z3 is not needed by anything we link.
find_library(MLPJIT_ZLIB_STATIC NAMES libz.a REQUIRED)
find_library(MLPJIT_ZSTD_STATIC NAMES libzstd.a REQUIRED)
set_target_properties(LLVMSupport PROPERTIES INTERFACE_LINK_LIBRARIES
  "rt;dl;m;pthread;${MLPJIT_ZLIB_STATIC};${MLPJIT_ZSTD_STATIC};LLVMDemangle")

foreach(lib IN LISTS MLIR_ALL_LIBS_LIST)
  if(TARGET ${lib})
    get_target_property(deps ${lib} INTERFACE_LINK_LIBRARIES)
    if(deps)
      list(TRANSFORM deps REPLACE "^LLVM$" "${MLPJIT_LLVM_STATIC_LIBS}")
      list(REMOVE_ITEM deps "LLVM")
      set_target_properties(${lib} PROPERTIES INTERFACE_LINK_LIBRARIES "${deps}")
    endif()
  endif()
endforeach()
