# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the layering_violation target and passes only when the build fails
# BECAUSE the engine cannot see the widgets header: the compiler output must
# name the header together with "No such file" (GCC) or "file not found"
# (Clang). Any other outcome (the file compiles, or the build breaks for an
# unrelated reason such as a locked build folder or a syntax error) fails.
#   cmake -DBUILD_DIR=<build> -DTARGET=layering_violation -DHEADER=widgets/timeline/timeaxis.h -P expect_missing_include.cmake
foreach(var BUILD_DIR TARGET HEADER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "expect_missing_include.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} --build "${BUILD_DIR}" --target "${TARGET}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(log "${out}${err}")

if(rc EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled: an engine file could include ${HEADER}; the layering rule is broken.\n${log}")
endif()

# The missing-file error must be about that header, on one line: GCC writes
# "fatal error: HEADER: No such file or directory", Clang
# "fatal error: 'HEADER' file not found".
string(REPLACE "." "\\." header_re "${HEADER}")   # a path: only the dots need escaping
string(REGEX MATCH "[^\n]*${header_re}[^\n]*(No such file or directory|file not found)" line "${log}")
if(line STREQUAL "")
  message(FATAL_ERROR "${TARGET} failed to build, but not because ${HEADER} is out of the engine's reach "
                      "(expected the compiler to report that header missing):\n${log}")
endif()
message(STATUS "as expected: ${line}")
