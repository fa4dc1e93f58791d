# ctest script: install this build into a fresh prefix, write an artifact
# with the installed mlpjit-compile, build examples/embed (plain C) against
# the prefix, with find_package(mlpjit) and with `cc -std=c11` alone, and
# run both on the artifact.
# Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR, GENERATOR.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
# A kernel cache of its own: what other tests or earlier runs left in the
# user's cache cannot change what this test sees.
set(ENV{MLPJIT_CACHE_DIR} ${WORK_DIR}/cache)

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

# The default component holds the libraries, headers, tools and package
# files; the MLIR libraries install under their own components.
run("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
    --component Unspecified)
set(prefix ${WORK_DIR}/prefix)
foreach(file include/mlpjit/mlpjit_c.h include/mlpjit/Version.h
             lib/libmlpjit.so lib/libmlpjit_runtime.so bin/mlpjit-compile
             lib/cmake/mlpjit/mlpjitConfig.cmake
             lib/cmake/mlpjit/mlpjitConfigVersion.cmake
             share/doc/mlpjit/LICENSE)
  if(NOT EXISTS ${prefix}/${file})
    message(FATAL_ERROR "the install tree lacks ${file}")
  endif()
endforeach()

# An artifact from the installed mlpjit-compile: cubins for Hopper and
# Ampere, PTX for anything newer.
file(WRITE ${WORK_DIR}/tiny.mlp
  "mlp tiny {\n  hidden = 256\n  intermediate = 512\n  tokens = 1..64\n}\n")
run("mlpjit-compile" ${prefix}/bin/mlpjit-compile ${WORK_DIR}/tiny.mlp
    --arch sm_90a,sm_80 -o ${WORK_DIR}/tiny.mlpx)
run("mlpjit-compile --version" ${prefix}/bin/mlpjit-compile --version)
if(NOT last_output MATCHES "mlpjit-compile \\(mlpjit\\) [0-9]+\\.[0-9]+")
  message(FATAL_ERROR "mlpjit-compile --version: ${last_output}")
endif()

# The example with CMake (find_package(mlpjit), a C project)...
run("configure the example" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed
    -B ${WORK_DIR}/build -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix})
run("build the example" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
# ... and by hand: cc -std=c11 with the installed headers alone (no LLVM or
# CUDA include path).
find_program(CC NAMES cc gcc clang REQUIRED)
run("cc -std=c11" ${CC} -std=c11 -Wall -Wextra -Werror -pedantic
    -I${prefix}/include ${SOURCE_DIR}/examples/embed/main.c
    -L${prefix}/lib -lmlpjit -Wl,-rpath,${prefix}/lib -ldl -lm
    -o ${WORK_DIR}/embed-cc)

foreach(exe ${WORK_DIR}/build/mlpjit-embed ${WORK_DIR}/embed-cc)
  run("run ${exe}" ${exe} ${WORK_DIR}/tiny.mlpx 20)
  message(STATUS "${exe}:\n${last_output}")
  if(NOT last_output MATCHES "mlpjit [0-9]+\\.[0-9]+\\.[0-9]+ \\(C API")
    message(FATAL_ERROR "the example did not print the version")
  endif()
  if(NOT last_output MATCHES "forward m = 20: sum .* PASS" AND
     NOT last_output MATCHES "well-formed\nskip: mlpjit: ")
    message(FATAL_ERROR "the example neither ran nor skipped cleanly")
  endif()
endforeach()
