// Package templatetest holds the tests of the BOSH release in release/: the cloudstack_cpi job's
// templates rendered as BOSH renders them (render.rb, run with the system's Ruby) and fed to the CPI's
// config loader and binary, and the checks that keep the job spec, the config structs and the README's
// reference tables naming the same keys. It has no code of its own.
package templatetest
