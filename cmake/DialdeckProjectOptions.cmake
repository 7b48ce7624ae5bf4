# One INTERFACE target that every Dialdeck target links: language level,
# warnings and the strict Qt defines.
add_library(dialdeck_project_options INTERFACE)
add_library(Dialdeck::ProjectOptions ALIAS dialdeck_project_options)

target_compile_features(dialdeck_project_options INTERFACE cxx_std_20)
target_compile_options(dialdeck_project_options INTERFACE
    -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wpedantic
    $<$<BOOL:${DIALDECK_WERROR}>:-Werror>)
target_compile_definitions(dialdeck_project_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_BEFORE=0x060400)
