# Written by npm run providers:lock from the synthesized stacks: the providers of every stack in
# this lock set. Do not edit; the lock file beside it is what synth copies into each stack.
terraform {
  required_providers {
    github = {
      source  = "integrations/github"
      version = "6.9.0"
    }
  }
}
