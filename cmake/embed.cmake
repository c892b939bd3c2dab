# Turns data tables (data/*.tsv) into C string constants at build time, so the binary carries
# its name knowledge while the tables stay plain data files in the repository.
# Usage: cmake -DOUT=file.c -DFILES="a.tsv;b.tsv" [-DPREFIX=em_data_] -P embed.cmake
# Each file becomes `const char PREFIX<name>[]`, name being the file name without extension.
string(REPLACE "|" ";" FILES "${FILES}")
if(NOT DEFINED PREFIX)
  set(PREFIX em_data_)
endif()
set(content "/* Generated from the data tables by cmake/embed.cmake; do not edit. */\n")
foreach(f ${FILES})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} text)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n\"\n\"" text "${text}")
  string(APPEND content "const char ${PREFIX}${name}[] =\n\"${text}\";\n")
endforeach()
file(WRITE ${OUT}.tmp "${content}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
