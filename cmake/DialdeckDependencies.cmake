# Libraries from Debian's packages that ship no CMake package file.

find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
add_library(Phonenumber::Phonenumber UNKNOWN IMPORTED)
set_target_properties(Phonenumber::Phonenumber PROPERTIES
    IMPORTED_LOCATION "${PHONENUMBER_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PHONENUMBER_INCLUDE_DIR}")

# The engine's journal steps its hot statements through SQLite's C API, on
# the same system library Qt's QSQLITE driver links.
find_package(SQLite3 REQUIRED)
