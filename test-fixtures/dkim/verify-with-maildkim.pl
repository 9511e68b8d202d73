#!/usr/bin/perl
# Verifies the messages OUR signDkim wrote to maildkim/ours/ (make-ours-for-maildkim.mjs) with Perl's
# Mail::DKIM (Debian's libmail-dkim-perl), an independent verifier, and records its verdict on
# every signature in maildkim/ours/verdicts.json. Run once from anywhere, after the node script:
#
#     perl test-fixtures/dkim/verify-with-maildkim.pl
#
# Keys come from zone.yaml through MaildkimZone.pm (no DNS server). Strict => 1 is Mail::DKIM's
# RFC 8301 mode: rsa-sha1 is refused and RSA keys under 1024 bits do not pass. The test
# (packages/dkim/test/maildkim.test.ts) verifies the same files with verifyDkim and compares; it
# never needs Perl.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;
use JSON::PP;
use Mail::DKIM;
use Mail::DKIM::Verifier;
use lib dirname( File::Spec->rel2abs(__FILE__) );
use MaildkimZone;

my $HERE = dirname( File::Spec->rel2abs(__FILE__) );
my $DIR  = "$HERE/maildkim/ours";

sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or die "$path: $!";
    local $/;
    return scalar <$fh>;
}

# One verdict per DKIM-Signature field, in the order they appear (topmost first).
sub verify {
    my ($bytes) = @_;
    my $verifier = Mail::DKIM::Verifier->new( Strict => 1 );
    $verifier->PRINT($bytes);
    $verifier->CLOSE;
    my @signatures = grep { $_->isa('Mail::DKIM::Signature') } $verifier->signatures;
    return [ { result => $verifier->result, detail => $verifier->result_detail } ] unless @signatures;
    return [ map { { result => $_->result, detail => $_->result_detail } } @signatures ];
}

sub main {
    MaildkimZone::install("$HERE/zone.yaml");
    my $cases = decode_json( slurp("$DIR/cases.json") );
    my %verdicts;
    # Mail::DKIM judges x= against the clock; the test verifies with ours set to the same time.
    my $verified_at = time();
    for my $case ( @{ $cases->{cases} } ) {
        $verdicts{ $case->{file} } = verify( slurp("$DIR/$case->{file}") );
    }
    my $json = JSON::PP->new->pretty->canonical;
    open my $fh, '>:raw', "$DIR/verdicts.json" or die $!;
    print {$fh} $json->encode(
        {
            verifier   => "Mail::DKIM $Mail::DKIM::VERSION (Strict => 1)",
            verifiedAt => $verified_at * 1000,
            verdicts   => \%verdicts,
        }
    );
    close $fh or die $!;
}

main();
