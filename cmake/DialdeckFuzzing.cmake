# Builds every Dialdeck target with AddressSanitizer, UndefinedBehaviorSanitizer
# and libFuzzer's coverage instrumentation, for the executables in tests/fuzz.
# Only clang has libFuzzer.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DIALDECK_BUILD_FUZZERS needs clang++ (libFuzzer), but the C++ compiler "
                        "is ${CMAKE_CXX_COMPILER_ID}. Configure with -DCMAKE_CXX_COMPILER=clang++, "
                        "as scripts/fuzz.sh does.")
endif()

target_compile_options(dialdeck_project_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
target_link_options(dialdeck_project_options INTERFACE -fsanitize=address,undefined)
