# ctest script: install this build into a fresh prefix, build examples/embed
# against it with find_package(mlpjit), and run it on a real program file.
# Inputs: BUILD_DIR, SOURCE_DIR, WORK_DIR, WRITER, GENERATOR.
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

# The default component holds the runtime, its headers and package files;
# the MLIR libraries install under their own components, not needed here.
run("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
    --component Unspecified)
run("configure the example" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/embed
    -B ${WORK_DIR}/build -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
run("build the example" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run("write the program file" ${WRITER} ${WORK_DIR}/program.json)
run("run the example" ${WORK_DIR}/build/mlpjit-embed ${WORK_DIR}/program.json 20)
message(STATUS "example output:\n${last_output}")
if(NOT last_output MATCHES "program 'tiny'")
  message(FATAL_ERROR "the example did not read the program")
endif()
if(NOT last_output MATCHES "forward m = 20: sum" AND
   NOT last_output MATCHES "skip: mlpjit: ")
  message(FATAL_ERROR "the example neither ran nor skipped cleanly")
endif()
