# Renders one job template the way BOSH does, for the template tests (never used by BOSH itself).
#
#   ruby render.rb SPEC TEMPLATE MANIFEST_PROPERTIES
#
# SPEC is the job's spec file, TEMPLATE one of its ERB templates, MANIFEST_PROPERTIES a YAML (or JSON)
# file holding the job's properties as a manifest would set them. The rendered text goes to stdout. A
# template error goes to stderr with exit status 1, as BOSH would fail the deploy.
#
# What is emulated, after the director and bosh-cli: only properties the spec declares reach the
# template; each takes the manifest's value, else the spec's default; p() raises for a property that
# has neither (unless p is given its own default); if_p yields only for properties that have a value
# and supports .else; ERB runs with trim_mode "-". Links and instance details are not emulated beyond
# a fixed `spec` with name, index, id, az, address and bootstrap.
require 'erb'
require 'json'
require 'ostruct'
require 'yaml'

class UnknownProperty < StandardError
  def initialize(names)
    super("Can't find property '#{names.join("', or '")}'")
  end
end

# The values the job's templates see: declared properties only, each from the manifest or its default.
def job_properties(spec, manifest)
  resolved = {}
  (spec['properties'] || {}).each do |name, definition|
    value = dig(manifest, name)
    value = deep_copy(definition['default']) if value.nil? && definition.is_a?(Hash)
    next if value.nil?

    *parents, leaf = name.split('.')
    parents.reduce(resolved) { |node, key| node[key] ||= {} }[leaf] = value
  end
  resolved
end

def dig(hash, dotted)
  dotted.split('.').reduce(hash) { |node, key| node.is_a?(Hash) ? node[key] : nil }
end

def deep_copy(value)
  Marshal.load(Marshal.dump(value))
end

# if_p's result: `if_p(...) { } .else { }` runs the else block only when if_p did not yield.
class ElseBlock
  def initialize(active)
    @active = active
  end

  def else
    yield if @active
  end
end

class EvaluationContext
  attr_reader :name, :index, :spec

  def initialize(job_name, properties)
    @properties = properties
    @name = job_name
    @index = 0
    @spec = OpenStruct.new(
      name: job_name, index: 0, id: 'c0ffee00-0000-4000-8000-000000000000', az: 'z1',
      address: '10.0.0.10', bootstrap: true, deployment: 'template-test',
      properties: JSON.parse(JSON.dump(properties), object_class: OpenStruct)
    )
  end

  def p(*args)
    names = Array(args[0])
    names.each do |dotted|
      value = dig(@properties, dotted)
      return value unless value.nil?
    end
    return args[1] if args.length == 2

    raise UnknownProperty, names
  end

  def if_p(*names)
    values = names.map { |dotted| dig(@properties, dotted) }
    return ElseBlock.new(true) if values.any?(&:nil?)

    yield(*values)
    ElseBlock.new(false)
  end

  def render(template_text)
    ERB.new(template_text, trim_mode: '-').result(binding)
  end
end

if ARGV.length != 3
  warn 'usage: ruby render.rb SPEC TEMPLATE MANIFEST_PROPERTIES'
  exit 2
end

spec_path, template_path, manifest_path = ARGV
begin
  spec = YAML.safe_load(File.read(spec_path), aliases: true)
  manifest = YAML.safe_load(File.read(manifest_path), aliases: true) || {}
  context = EvaluationContext.new(spec['name'], job_properties(spec, manifest))
  $stdout.write(context.render(File.read(template_path)))
rescue StandardError => e
  warn "rendering #{File.basename(template_path)}: #{e.class}: #{e.message}"
  exit 1
end
