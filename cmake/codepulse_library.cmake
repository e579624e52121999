# One static library per folder: every .cpp directly in FOLDER (relative to
# the current source dir) but those named in EXCLUDE is compiled into NAME,
# which links DEPENDS. A file
# added to a folder joins its library without a CMake edit; a folder is one
# step of the pipeline, and tests/unit/architecture/include_direction_test.cpp
# checks that no step includes a later one.
function(codepulse_library NAME FOLDER)
  cmake_parse_arguments(ARG "" "" "DEPENDS;EXTRA_SOURCES;EXCLUDE" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${FOLDER}/*.cpp)
  if(FOLDER STREQUAL ".")
    file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  endif()
  foreach(name ${ARG_EXCLUDE})
    list(REMOVE_ITEM sources ${CMAKE_CURRENT_SOURCE_DIR}/${FOLDER}/${name})
  endforeach()
  add_library(${NAME} STATIC ${sources} ${ARG_EXTRA_SOURCES})
  target_link_libraries(${NAME} PUBLIC codepulse_flags ${ARG_DEPENDS})
endfunction()
