# dialdeck_add_test(NAME SOURCES file... [LIBRARIES target...] [TIMEOUT seconds] [LABELS label...])
# Builds one Qt Test executable and registers it with CTest, with a timeout,
# the offscreen platform and the source tree's test data folder in the
# environment as DIALDECK_TEST_DATA.
function(dialdeck_add_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBRARIES;LABELS" ${ARGN})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()

    qt_add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test Dialdeck::ProjectOptions ${ARG_LIBRARIES})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tests")

    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES
        TIMEOUT ${ARG_TIMEOUT}
        LABELS "${ARG_LABELS}"
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;DIALDECK_TEST_DATA=${PROJECT_SOURCE_DIR}/tests/data;DIALDECK_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()
